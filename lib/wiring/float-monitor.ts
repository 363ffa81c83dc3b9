import type { Config } from '../config';
import { EventBridgeBus } from '../events/bus';
import type { FloatMonitorConfig } from '../float/config';
import type { FloatMonitorDeps } from '../float/monitor';
import { FloatStateRepository } from '../float/state-repository';
import { logger } from '../shared/logger';
import { cloudWatchCounter } from '../shared/metrics';
import { buildInFlight, buildPayproFloatClient, buildPayproSecret } from './paypro';
import { createDocumentClient } from './tables';

/*
 * The float monitor's wiring, apart from lib/wiring/payouts.ts (which every payout writer bundles) and
 * outside lib/float, because the money in flight is read from the batches' and payouts' stores.
 */

/** float-monitor: its state item, Paypro's balance, the money in flight, the stage's bus. */
export function buildFloatMonitorDeps(config: Config, float: FloatMonitorConfig): FloatMonitorDeps {
  const client = createDocumentClient();
  return {
    state: new FloatStateRepository(client, config.payoutLimitsTable),
    paypro: buildPayproFloatClient(config),
    secret: buildPayproSecret(config),
    inFlight: buildInFlight(client, config),
    bus: new EventBridgeBus(config.eventBusName),
    watermark: float.floatLowWatermark,
    checkIntervalMs: float.floatCheckIntervalMs,
    counter: cloudWatchCounter,
    log: logger,
    now: () => new Date(),
  };
}
