import { type PayproConfig, readEvents, type TableConfig } from '../config';
import { EventBridgeBus } from '../events/bus';
import { type BreakerConfig, readBreakerConfig } from '../paypro/breaker-config';
import { BusBreakerEvents } from '../paypro/breaker-events';
import { ProbingBreaker } from '../paypro/breaker-prober';
import { BreakerRepository } from '../paypro/breaker-repository';
import { type PayproWatchDeps, payoutQueryProbe } from '../paypro/watch';
import type { EnvReader } from '../shared/env';
import { logger } from '../shared/logger';
import { cloudWatchCounter } from '../shared/metrics';
import { buildHeldWork, buildPayproClient, buildPayproSecret, readPayproCaller } from './paypro';
import { createDocumentClient } from './tables';

/*
 * The prober's wiring, apart from lib/wiring/payouts.ts and lib/wiring/paypro.ts (which every payout writer
 * bundles): only paypro-breaker probes and publishes the breaker's transitions, so only its
 * bundle carries the event bus and the work-held reader.
 */

/** paypro-breaker's settings. */
export type PayproBreakerConfig = TableConfig &
  PayproConfig & { eventBusName: string; breaker: BreakerConfig };

/** paypro-breaker reads: the tables, Paypro (the probe's query), EVENT_BUS_NAME, the breaker's settings. */
export function readPayproBreaker(settings: EnvReader): PayproBreakerConfig {
  const caller = readPayproCaller(settings);
  const { eventBusName } = readEvents(settings, caller);
  return { ...caller, eventBusName, breaker: readBreakerConfig(settings) };
}

/** paypro-breaker: the breaker's item (read fresh), Paypro's payout query as the probe, the stage's bus with the work held. */
export function buildPayproBreakerDeps(config: PayproBreakerConfig): PayproWatchDeps {
  const client = createDocumentClient();
  const breaker = new ProbingBreaker({
    store: new BreakerRepository(client, config.payoutLimitsTable),
    events: new BusBreakerEvents(new EventBridgeBus(config.eventBusName), buildHeldWork(client, config)),
    probe: payoutQueryProbe(buildPayproClient(config), buildPayproSecret(config)),
    settings: config.breaker.settings,
    // The prober reads the item before every decision; it never serves an admit from a cache.
    cacheMs: 0,
    log: logger,
    counter: cloudWatchCounter,
    now: () => new Date(),
  });
  return {
    breaker,
    probeMs: config.breaker.settings.probeMs,
    counter: cloudWatchCounter,
    log: logger,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
