import { readConfig } from '../lib/config';
import { scheduleHandler } from '../lib/handlers/schedule';
import { type PayproWatchDeps, watchPaypro } from '../lib/paypro/watch';
import { buildPayproBreakerDeps, readPayproBreaker } from '../lib/wiring/paypro-breaker';

/**
 * Schedule (every minute): publishes the breaker's left-over transitions (Paypro Unavailable,
 * Paypro Restored), then, while the breaker is open, probes Paypro every PAYPRO_PROBE_S with a
 * payout query that moves no money, until Paypro answers or the run's time is up.
 */
export function payproBreakerHandler(deps: PayproWatchDeps) {
  return scheduleHandler((stopAt) => watchPaypro(deps, stopAt), {
    // A probe (PAYPRO_TIMEOUT_MS) and the Restored event with the held work read fit in what is left.
    marginMs: 15_000,
  });
}

export const handler = payproBreakerHandler(buildPayproBreakerDeps(readConfig(readPayproBreaker)));
