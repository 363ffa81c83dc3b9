import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Config, requireDailyCaps, requireSetting } from '../config';
import { DynamoCapLedger } from '../limits/repository';
import { logger } from '../logger';
import { cloudWatchCounter } from '../metrics';
import { PayproClient } from '../paypro/client';
import { cachedPayproSecret } from '../paypro/secret';
import { createDocumentClient } from '../store';
import type { AcceptBatchDeps } from './accept';
import { BatchPayoutRepository } from './payout-reads';
import { SqsBatchSendQueue } from './queue';
import type { ReadBatchDeps } from './read';
import { BatchRepository } from './repository';
import type { SendItemDeps } from './send-item';

/* Wiring of the batch functions, apart from lib/services.ts so the others do not carry SQS. */

function stores(config: Config) {
  const client = createDocumentClient();
  return {
    payouts: new BatchPayoutRepository(client, config.payoutsTable),
    batches: new BatchRepository(client, config.payoutBatchesTable),
    caps: new DynamoCapLedger(client, config.payoutLimitsTable),
  };
}

/** create-payout-batch: validate, record, queue. */
export function buildAcceptBatchServices(config: Config): AcceptBatchDeps {
  const queueUrl = requireSetting('BATCH_SENDS_QUEUE_URL', config.batchSendsQueueUrl);
  return {
    ...stores(config),
    queue: new SqsBatchSendQueue(new SQSClient({}), queueUrl),
    limits: requireDailyCaps(config),
    counter: cloudWatchCounter,
    log: logger,
    now: () => new Date(),
  };
}

/** get-payout-batch: the batch, its items, its report. */
export function buildReadBatchServices(config: Config): ReadBatchDeps {
  const { payouts, batches } = stores(config);
  return { payouts, batches };
}

/** send-batch-items: the same send-once path as POST /payouts. */
export function buildSendItemServices(config: Config): SendItemDeps {
  const { payouts, caps } = stores(config);
  return {
    repository: payouts,
    caps,
    paypro: new PayproClient({
      baseUrl: config.payproBaseUrl,
      timeoutMs: config.payproTimeoutMs,
      salt: config.payproSignSalt,
    }),
    secret: cachedPayproSecret(new SecretsManagerClient({}), config.payproSecretId, config.secretCacheTtlMs),
    publicBaseUrl: config.publicBaseUrl,
    counter: cloudWatchCounter,
    log: logger,
    now: () => new Date(),
  };
}
