import type { Config } from '../config';
import { EventBridgeBus } from '../events/bus';
import { BusBreakerEvents } from '../paypro/breaker-events';
import { BreakerRepository } from '../paypro/breaker-repository';
import { SharedBreaker } from '../paypro/breaker-service';
import { type PayproWatchDeps, payoutQueryProbe } from '../paypro/watch';
import { logger } from '../shared/logger';
import { cloudWatchCounter } from '../shared/metrics';
import { buildHeldWork, buildPayproClient, buildPayproSecret } from './paypro';
import { createDocumentClient } from './tables';

/*
 * The prober's wiring, apart from lib/wiring/payouts.ts and lib/wiring/paypro.ts (which every payout writer
 * bundles): only paypro-breaker probes and publishes the breaker's transitions, so only its
 * bundle carries the event bus and the work-held reader.
 */

/** paypro-breaker: the breaker's item (read fresh), Paypro's payout query as the probe, the stage's bus with the work held. */
export function buildPayproBreakerDeps(config: Config): PayproWatchDeps {
  const client = createDocumentClient();
  const breaker = new SharedBreaker({
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
