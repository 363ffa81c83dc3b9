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
import {
  type AmountConfig,
  type BatchConfig,
  type EventConfig,
  type PayproConfig,
  readAmounts,
  readBatches,
  readDailyCaps,
  readEvents,
  readPublicBaseUrl,
  type TableConfig,
} from '../config';
import { EventBridgeBus } from '../events/bus';
import type { DailyCaps } from '../limits/caps';
import { DynamoCapLedger } from '../limits/repository';
import { PayoutRepository } from '../payouts/repository';
import { type BreakerConfig, readBreakerConfig } from '../paypro/breaker-config';
import { type EnvReader, httpUrl } from '../shared/env';
import { logger } from '../shared/logger';
import { cloudWatchCounter } from '../shared/metrics';
import {
  buildFloatChecks,
  buildInFlight,
  buildPayproClient,
  buildPayproFloatClient,
  buildPayproSecret,
  buildSenderBreaker,
  readPayproCaller,
} from './paypro';
import { createDocumentClient, readStageTables } from './tables';

/* Wiring of the batch functions, apart from lib/wiring/payouts.ts so the others do not carry SQS. */

/**
 * How long a run of advance-batches holds a batch's lease: longer than that function's timeout
 * (serverless.yml, 120 s; a packaging test holds them together), so a lease never expires while
 * its run lives, and one batch never has two runs at once.
 */
export const BATCH_LEASE_MS = 180_000;

/** BATCH_STEPS_QUEUE_URL, required by every function that asks for a batch's next step. */
const readStepsQueue = (settings: EnvReader) => ({
  batchStepsQueueUrl: settings.required('BATCH_STEPS_QUEUE_URL', httpUrl),
});

/** BATCH_SENDS_QUEUE_URL, required by the functions that queue items to send. */
const readSendsQueue = (settings: EnvReader) => ({
  batchSendsQueueUrl: settings.required('BATCH_SENDS_QUEUE_URL', httpUrl),
});

/** The batch readers (get-payout-batch, its report, the admin reads and list) read the tables only. */
export const readBatchTables = readStageTables;

function stores(config: TableConfig) {
  const client = createDocumentClient();
  return {
    client,
    batches: new BatchRepository(client, config.payoutBatchesTable),
    caps: new DynamoCapLedger(client, config.payoutLimitsTable),
  };
}

const common = { counter: cloudWatchCounter, log: logger, now: () => new Date() };

function stepQueue(config: StepsQueue) {
  return new SqsBatchStepQueue(new SQSClient({}), config.batchStepsQueueUrl);
}

type StepsQueue = ReturnType<typeof readStepsQueue>;
type SendsQueue = ReturnType<typeof readSendsQueue>;

/** create-payout-batch's settings. */
export type IntakeConfig = TableConfig &
  StepsQueue &
  AmountConfig &
  Pick<BatchConfig, 'batchApprovalAboveAmount'> & { dailyCaps: DailyCaps };

/** create-payout-batch reads: the tables, the steps queue, the amount bounds, the daily caps, the approval threshold. */
export function readIntake(settings: EnvReader): IntakeConfig {
  const { batchApprovalAboveAmount } = readBatches(settings);
  return {
    ...readStageTables(settings),
    ...readStepsQueue(settings),
    ...readAmounts(settings),
    dailyCaps: readDailyCaps(settings),
    ...(batchApprovalAboveAmount !== undefined && { batchApprovalAboveAmount }),
  };
}

/** create-payout-batch: validate, reserve the day's share, store the lines, ask for the first step. */
export function buildIntakeDeps(config: IntakeConfig): IntakeDeps {
  const { batches, caps } = stores(config);
  return {
    batches,
    caps,
    steps: stepQueue(config),
    dailyCaps: config.dailyCaps,
    ...(config.batchApprovalAboveAmount !== undefined && {
      approvalAboveAmount: config.batchApprovalAboveAmount,
    }),
    ...common,
  };
}

/** advance-batches' settings. */
export type AdvanceConfig = TableConfig &
  PayproConfig &
  StepsQueue &
  SendsQueue &
  Pick<EventConfig, 'eventBusName'> &
  Omit<BatchConfig, 'batchSendsQueueUrl' | 'batchStepsQueueUrl'> & { dailyCaps: DailyCaps };

/** advance-batches reads: the tables, Paypro (the balance), both queues, the bus, the batch settings, the caps. */
export function readAdvance(settings: EnvReader): AdvanceConfig {
  const caller = readPayproCaller(settings);
  return {
    ...caller,
    ...readStepsQueue(settings),
    ...readSendsQueue(settings),
    eventBusName: readEvents(settings, caller).eventBusName,
    ...readBatches(settings),
    dailyCaps: readDailyCaps(settings),
  };
}

/** advance-batches: every step of a batch after its intake, one run at a time. */
export function buildAdvanceDeps(config: AdvanceConfig): AdvanceDeps {
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
    sends: new SqsBatchSendQueue(sqs, config.batchSendsQueueUrl),
    steps: new SqsBatchStepQueue(sqs, config.batchStepsQueueUrl),
    bus: new EventBridgeBus(config.eventBusName),
    dailyCaps: config.dailyCaps,
    approvalTtlMs: config.batchApprovalTtlMs,
    checkIntervalMs: config.batchCheckIntervalMs,
    leaseMs: BATCH_LEASE_MS,
    ...common,
  };
}

/** wake-batches, admin-approve-batch and admin-cancel-batch read: the tables and the steps queue. */
export function readStepper(settings: EnvReader): TableConfig & StepsQueue {
  return { ...readStageTables(settings), ...readStepsQueue(settings) };
}

/** wake-batches: the batches with a step due, and the steps queue. */
export function buildWakeDeps(config: TableConfig & StepsQueue): WakeDeps {
  const { batches } = stores(config);
  return { batches, steps: stepQueue(config), log: logger, now: () => new Date() };
}

/** get-payout-batch and its report: the batch, its lines, its payouts. */
export function buildReadBatchDeps(config: TableConfig): ReadBatchDeps {
  const { client, batches } = stores(config);
  return { batches, payouts: new DynamoBatchPayouts(client, config.payoutsTable) };
}

/** admin-approve-batch and admin-cancel-batch: one conditional write, then the next step asked for. */
export function buildDecideDeps(config: TableConfig & StepsQueue): DecideDeps {
  const { batches } = stores(config);
  return { batches, steps: stepQueue(config), ...common };
}

/** admin-list-batches: the batches' status index. */
export function buildListBatchesDeps(config: TableConfig): ListBatchesDeps {
  return { batches: stores(config).batches };
}

/** send-batch-items' settings. */
export type SendItemConfig = TableConfig &
  PayproConfig &
  SendsQueue & { publicBaseUrl: string; breaker: BreakerConfig };

/** send-batch-items reads: the tables, Paypro, PUBLIC_BASE_URL, the breaker's settings, the sends queue. */
export function readSendItem(settings: EnvReader): SendItemConfig {
  return {
    ...readPayproCaller(settings),
    ...readPublicBaseUrl(settings),
    breaker: readBreakerConfig(settings),
    ...readSendsQueue(settings),
  };
}

/**
 * send-batch-items: the same send-once path as POST /payouts, and its own queue, where an item the
 * breaker holds goes back delayed by about PAYPRO_PROBE_S.
 */
export function buildSendItemDeps(config: SendItemConfig): SendItemDeps {
  const { client, caps } = stores(config);
  return {
    repository: new PayoutRepository(client, config.payoutsTable),
    caps,
    paypro: buildPayproClient(config),
    secret: buildPayproSecret(config),
    publicBaseUrl: config.publicBaseUrl,
    breaker: buildSenderBreaker(client, config, config.breaker),
    floatChecks: buildFloatChecks(client, config),
    sends: new SqsBatchSendQueue(new SQSClient({}), config.batchSendsQueueUrl),
    holdDelayS: config.breaker.settings.probeMs / 1000,
    ...common,
  };
}
