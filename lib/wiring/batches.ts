import { SQSClient } from '@aws-sdk/client-sqs';
import type { AdvanceDeps, WakeDeps } from '../batches/advance';
import { DynamoBatchPayouts } from '../batches/batch-payouts';
import type { DecideDeps } from '../batches/decide';
import { DynamoFundsGate } from '../batches/funds-gate-repository';
import type { IntakeDeps } from '../batches/intake';
import type { ListBatchesDeps } from '../batches/list';
import { SqsBatchSendQueue, SqsBatchStepQueue } from '../batches/queue';
import type { ReadBatchDeps } from '../batches/read';
import { BatchRepository } from '../batches/repository';
import type { SendItemDeps } from '../batches/send-item';
import { type Config, requireDailyCaps, requireSetting } from '../config';
import { EventBridgeBus } from '../events/bus';
import { DynamoCapLedger } from '../limits/repository';
import { PayoutRepository } from '../payouts/repository';
import { logger } from '../shared/logger';
import { cloudWatchCounter } from '../shared/metrics';
import {
  buildFloatChecks,
  buildInFlight,
  buildPayproClient,
  buildPayproFloatClient,
  buildPayproSecret,
  buildSenderBreaker,
} from './paypro';
import { createDocumentClient } from './tables';

/* Wiring of the batch functions, apart from lib/wiring/payouts.ts so the others do not carry SQS. */

/**
 * How long a run of advance-batches holds a batch's lease: longer than that function's timeout
 * (serverless.yml, 120 s; a packaging test holds them together), so a lease never expires while
 * its run lives, and one batch never has two runs at once.
 */
export const BATCH_LEASE_MS = 180_000;

function stores(config: Config) {
  const client = createDocumentClient();
  return {
    client,
    batches: new BatchRepository(client, config.payoutBatchesTable),
    caps: new DynamoCapLedger(client, config.payoutLimitsTable),
  };
}

const common = { counter: cloudWatchCounter, log: logger, now: () => new Date() };

function stepQueue(config: Config) {
  return new SqsBatchStepQueue(
    new SQSClient({}),
    requireSetting('BATCH_STEPS_QUEUE_URL', config.batchStepsQueueUrl),
  );
}

/** create-payout-batch: validate, reserve the day's share, store the lines, ask for the first step. */
export function buildIntakeDeps(config: Config): IntakeDeps {
  const { batches, caps } = stores(config);
  return {
    batches,
    caps,
    steps: stepQueue(config),
    dailyCaps: requireDailyCaps(config),
    ...(config.batchApprovalAboveAmount !== undefined && {
      approvalAboveAmount: config.batchApprovalAboveAmount,
    }),
    ...common,
  };
}

/** advance-batches: every step of a batch after its intake, one run at a time. */
export function buildAdvanceDeps(config: Config): AdvanceDeps {
  const { client, batches, caps } = stores(config);
  const sqs = new SQSClient({});
  const payouts = new DynamoBatchPayouts(client, config.payoutsTable);
  return {
    batches,
    caps,
    payouts,
    funds: {
      float: buildPayproFloatClient(config),
      credentials: buildPayproSecret(config),
      inFlight: buildInFlight(client, config),
      gate: new DynamoFundsGate(client, config.payoutBatchesTable),
    },
    fundsRecheckMs: config.floatRecheckMs,
    sends: new SqsBatchSendQueue(sqs, requireSetting('BATCH_SENDS_QUEUE_URL', config.batchSendsQueueUrl)),
    steps: new SqsBatchStepQueue(sqs, requireSetting('BATCH_STEPS_QUEUE_URL', config.batchStepsQueueUrl)),
    bus: new EventBridgeBus(config.eventBusName),
    dailyCaps: requireDailyCaps(config),
    approvalTtlMs: config.batchApprovalTtlMs,
    checkIntervalMs: config.batchCheckIntervalMs,
    leaseMs: BATCH_LEASE_MS,
    ...common,
  };
}

/** wake-batches: the batches with a step due, and the steps queue. */
export function buildWakeDeps(config: Config): WakeDeps {
  const { batches } = stores(config);
  return { batches, steps: stepQueue(config), log: logger, now: () => new Date() };
}

/** get-payout-batch and its report: the batch, its lines, its payouts. */
export function buildReadBatchDeps(config: Config): ReadBatchDeps {
  const { client, batches } = stores(config);
  return { batches, payouts: new DynamoBatchPayouts(client, config.payoutsTable) };
}

/** admin-approve-batch and admin-cancel-batch: one conditional write, then the next step asked for. */
export function buildDecideDeps(config: Config): DecideDeps {
  const { batches } = stores(config);
  return { batches, steps: stepQueue(config), ...common };
}

/** admin-list-batches: the batches' status index. */
export function buildListBatchesDeps(config: Config): ListBatchesDeps {
  return { batches: stores(config).batches };
}

/**
 * send-batch-items: the same send-once path as POST /payouts, and its own queue, where an item the
 * breaker holds goes back delayed by about PAYPRO_PROBE_S.
 */
export function buildSendItemDeps(config: Config): SendItemDeps {
  const { client, caps } = stores(config);
  return {
    repository: new PayoutRepository(client, config.payoutsTable),
    caps,
    paypro: buildPayproClient(config),
    secret: buildPayproSecret(config),
    publicBaseUrl: config.publicBaseUrl,
    breaker: buildSenderBreaker(client, config, config.breaker),
    floatChecks: buildFloatChecks(client, config),
    sends: new SqsBatchSendQueue(
      new SQSClient({}),
      requireSetting('BATCH_SENDS_QUEUE_URL', config.batchSendsQueueUrl),
    ),
    holdDelayS: config.breaker.settings.probeMs / 1000,
    ...common,
  };
}
