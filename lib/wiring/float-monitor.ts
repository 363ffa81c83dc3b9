import { type PayproConfig, readEvents, type TableConfig } from '../config';
import { EventBridgeBus } from '../events/bus';
import { type FloatMonitorConfig, readFloatMonitorConfig } from '../float/config';
import type { FloatMonitorDeps } from '../float/monitor';
import { FloatStateRepository } from '../float/state-repository';
import type { EnvReader } from '../shared/env';
import { logger } from '../shared/logger';
import { cloudWatchCounter } from '../shared/metrics';
import { buildInFlight, buildPayproFloatClient, buildPayproSecret, readPayproCaller } from './paypro';
import { createDocumentClient } from './tables';

/*
 * The float monitor's wiring, apart from lib/wiring/payouts.ts (which every payout writer bundles) and
 * outside lib/float, because the money in flight is read from the batches' and payouts' stores.
 */

/** float-monitor's settings: the tables, Paypro, the stage's bus, and its own (lib/float/config.ts). */
export type FloatMonitorFunctionConfig = TableConfig & PayproConfig & { eventBusName: string };

/** float-monitor reads: the tables, Paypro (Balance Inquiry), EVENT_BUS_NAME, FLOAT_LOW_WATERMARK and FLOAT_CHECK_S. */
export function readFloatMonitor(settings: EnvReader): [FloatMonitorFunctionConfig, FloatMonitorConfig] {
  const caller = readPayproCaller(settings);
  const { eventBusName } = readEvents(settings, caller);
  return [{ ...caller, eventBusName }, readFloatMonitorConfig(settings)];
}

/** float-monitor: its state item, Paypro's balance, the money in flight, the stage's bus. */
export function buildFloatMonitorDeps(
  config: FloatMonitorFunctionConfig,
  float: FloatMonitorConfig,
): FloatMonitorDeps {
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
