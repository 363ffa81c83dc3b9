import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoBatchPayouts } from '../batches/batch-payouts';
import { StoredHeldWork } from '../batches/held-reader';
import { StoredInFlight } from '../batches/in-flight-reader';
import { BatchRepository } from '../batches/repository';
import { type PayproConfig, readPaypro, type StageConfig, type TableConfig } from '../config';
import { writeCheckRequest } from '../float/check-request-write';
import type { FloatCheckRequests } from '../float/check-requests';
import { DuePayoutRepository } from '../payouts/due';
import type { BreakerConfig } from '../paypro/breaker-config';
import { BreakerRepository } from '../paypro/breaker-repository';
import { SharedBreaker } from '../paypro/breaker-service';
import { PayproClient, type PayproClientOptions } from '../paypro/client';
import { PayproFloatClient } from '../paypro/float-client';
import { cachedPayproSecret, type PayproSecret } from '../paypro/secret';
import type { EnvReader } from '../shared/env';
import { logger } from '../shared/logger';
import { cloudWatchCounter } from '../shared/metrics';
import { readStageTables } from './tables';

/*
 * The pieces every Paypro caller wires the same way (payout writers, batches, the operator's
 * float routes, the float monitor), built in one place so a new setting reaches all of them.
 */

type PayproSettings = Pick<PayproConfig, 'payproBaseUrl' | 'payproTimeoutMs' | 'payproSignSalt'>;

function clientOptions(config: PayproSettings): PayproClientOptions {
  return { baseUrl: config.payproBaseUrl, timeoutMs: config.payproTimeoutMs, salt: config.payproSignSalt };
}

/** Paypro's payout calls for this stage: base URL, timeout, the salt's position. */
export function buildPayproClient(config: PayproSettings): PayproClient {
  return new PayproClient(clientOptions(config));
}

/** Paypro's payout calls plus Balance Inquiry (at PAYPRO_BALANCE_PATH) and Mpesa Query. */
export function buildPayproFloatClient(
  config: PayproSettings & Pick<PayproConfig, 'payproBalancePath'>,
): PayproFloatClient {
  return new PayproFloatClient({
    ...clientOptions(config),
    // Unconfirmed for Kenya: PAYPRO_BALANCE_PATH (unset: the client's DEFAULT_BALANCE_PATH).
    ...(config.payproBalancePath !== undefined && { balancePath: config.payproBalancePath }),
  });
}

/** The Paypro secret, read from Secrets Manager once per SECRET_CACHE_TTL_S. */
export function buildPayproSecret(
  config: Pick<PayproConfig, 'payproSecretId' | 'secretCacheTtlMs'>,
): () => Promise<PayproSecret> {
  return cachedPayproSecret(new SecretsManagerClient({}), config.payproSecretId, config.secretCacheTtlMs);
}

/** What every Paypro caller reads: STAGE, the tables, and Paypro's client and secret settings. */
export function readPayproCaller(settings: EnvReader): StageConfig & TableConfig & PayproConfig {
  const tables = readStageTables(settings);
  return { ...tables, ...readPaypro(settings, tables) };
}

/**
 * How a payout Paypro refused for lack of funds asks float-monitor to check at once: one write to
 * its state item (settle logs a failure; the monitor then checks at its next due time).
 */
export function buildFloatChecks(
  client: DynamoDBDocumentClient,
  config: Pick<TableConfig, 'payoutLimitsTable'>,
): FloatCheckRequests {
  return { request: (at, reason) => writeCheckRequest(client, config.payoutLimitsTable, at, reason) };
}

/** The money in flight: the open payouts (their index and amounts) and the batches being recorded. */
export function buildInFlight(
  client: DynamoDBDocumentClient,
  config: Pick<TableConfig, 'payoutsTable' | 'payoutBatchesTable'>,
): StoredInFlight {
  return new StoredInFlight({
    payouts: new DuePayoutRepository(client, config.payoutsTable),
    batchPayouts: new DynamoBatchPayouts(client, config.payoutsTable),
    batches: new BatchRepository(client, config.payoutBatchesTable),
  });
}

/** The work held for Paypro (payouts never sent, their batches): the open payouts' index and their states. */
export function buildHeldWork(
  client: DynamoDBDocumentClient,
  config: Pick<TableConfig, 'payoutsTable'>,
): StoredHeldWork {
  return new StoredHeldWork({
    payouts: new DuePayoutRepository(client, config.payoutsTable),
    batchPayouts: new DynamoBatchPayouts(client, config.payoutsTable),
  });
}

/**
 * The breaker as a sender sees it (create-payout, send-batch-items, the reconciler's sends): its
 * item in the limits table, no probe and no event bus (the prober, paypro-breaker, does both).
 */
export function buildSenderBreaker(
  client: DynamoDBDocumentClient,
  config: Pick<TableConfig, 'payoutLimitsTable'>,
  breaker: BreakerConfig,
): SharedBreaker {
  return new SharedBreaker({
    store: new BreakerRepository(client, config.payoutLimitsTable),
    settings: breaker.settings,
    cacheMs: breaker.cacheMs,
    log: logger,
    counter: cloudWatchCounter,
    now: () => new Date(),
  });
}
