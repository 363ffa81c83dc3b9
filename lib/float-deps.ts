import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { StoredInFlight } from './batches/in-flight';
import { DynamoBatchPayouts } from './batches/payouts';
import { BatchRepository } from './batches/repository';
import type { Config } from './config';
import { EventBridgeBus } from './events/bus';
import type { FloatMonitorConfig } from './float/config';
import type { FloatMonitorDeps } from './float/monitor';
import { FloatStateRepository } from './float/state-repository';
import { logger } from './logger';
import { cloudWatchCounter } from './metrics';
import { PayoutRepository } from './payouts/repository';
import { PayproClient } from './paypro/client';
import { cachedPayproSecret } from './paypro/secret';
import { createDocumentClient } from './store';

/*
 * The float monitor's wiring, apart from lib/deps.ts (which every payout writer bundles) and
 * outside lib/float, because the money in flight is read from the batches' and payouts' stores.
 */

/** float-monitor: its state item, Paypro's balance, the money in flight, the stage's bus. */
export function buildFloatMonitorDeps(config: Config, float: FloatMonitorConfig): FloatMonitorDeps {
  const client = createDocumentClient();
  const payouts = new PayoutRepository(client, config.payoutsTable);
  return {
    state: new FloatStateRepository(client, config.payoutLimitsTable),
    paypro: new PayproClient({
      baseUrl: config.payproBaseUrl,
      timeoutMs: config.payproTimeoutMs,
      salt: config.payproSignSalt,
      ...(config.payproBalancePath !== undefined && { balancePath: config.payproBalancePath }),
    }),
    secret: cachedPayproSecret(new SecretsManagerClient({}), config.payproSecretId, config.secretCacheTtlMs),
    inFlight: new StoredInFlight({
      payouts,
      batchPayouts: new DynamoBatchPayouts(client, config.payoutsTable),
      batches: new BatchRepository(client, config.payoutBatchesTable),
    }),
    bus: new EventBridgeBus(config.eventBusName),
    watermark: float.floatLowWatermark,
    checkIntervalMs: float.floatCheckIntervalMs,
    counter: cloudWatchCounter,
    log: logger,
    now: () => new Date(),
  };
}
