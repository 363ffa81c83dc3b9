import { PayproUnknownOutcomeError } from '../errors';
import type { Log } from '../shared/logger';
import type { Counter } from '../shared/metrics';
import type { BreakerState, BreakerStatus, BreakerTransition } from './breaker';
import type { ProbeRun } from './breaker-prober';
import type { PayproApi, PayproCredentials } from './client';

/*
 * The breaker's prober (paypro-breaker, every minute): the one place that probes Paypro and
 * publishes the breaker's transitions, so that an outage ends, and is announced, whether or not
 * anything is waiting to be sent.
 */

/**
 * The tradeNo the probe asks Paypro's payout query about. Asking moves no money, and any answer in
 * Paypro's envelope, its "order does not exist" refusal included, proves Paypro is answering.
 */
export const PROBE_TRADE_NO = 'breaker-probe';

// Never sleep less than this between two probe attempts, should the clock and the item disagree.
const MIN_SLEEP_MS = 1_000;

/**
 * The probe's call: Paypro's payout query of PROBE_TRADE_NO. Resolves when Paypro answered
 * (refusals, an unreadable answer and a request to slow down included: none is an outage, as none
 * counts towards opening the breaker); throws when the transport says Paypro is unavailable.
 */
export function payoutQueryProbe(
  paypro: Pick<PayproApi, 'queryPayout'>,
  secret: () => Promise<PayproCredentials>,
): () => Promise<void> {
  return async () => {
    const credentials = await secret();
    try {
      await paypro.queryPayout(credentials, PROBE_TRADE_NO);
    } catch (error) {
      if (error instanceof PayproUnknownOutcomeError && !error.failure.unavailable) return;
      throw error;
    }
  };
}

/** The breaker as the prober uses it (SharedBreaker, with a probe and the bus). */
export interface WatchedBreaker {
  read(): Promise<BreakerState | undefined>;
  publishLeftover(): Promise<BreakerTransition[]>;
  probe(): Promise<ProbeRun>;
}

/** What the prober needs. */
export interface PayproWatchDeps {
  breaker: WatchedBreaker;
  /** PAYPRO_PROBE_S, in ms: when the next probe is due after the last. */
  probeMs: number;
  counter: Counter;
  log: Log;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

/** What one run did. */
export interface WatchSummary {
  /** The breaker as the run left it; `unknown` when its item could not be read. */
  status: BreakerStatus | 'unknown';
  /** Open: since when Paypro is unavailable. */
  since?: string;
  /** Probes this run made. */
  probes: number;
  /** Transitions this run published, in order. */
  published: BreakerTransition[];
}

/**
 * One run of the prober. Publishes the transitions left in the breaker's item (a sender opened it;
 * a bus that refused before). Then, while the breaker is open and the next probe is due before
 * `stopAt` (in ms since the epoch, on the `now` clock), probes when due (a claimed, conditional
 * probe: overlapping runs probe once) and sleeps until the next is due; a successful probe closes
 * the breaker and publishes Paypro Restored at once. Counts PayproBreakerOpen once per run that
 * finds the breaker open, which the …-paypro-unavailable alarm watches.
 */
export async function watchPaypro(deps: PayproWatchDeps, stopAt: number): Promise<WatchSummary> {
  const published = await deps.breaker.publishLeftover();
  let state = await deps.breaker.read();
  let probes = 0;
  if (state?.status === 'open') deps.counter.count('PayproBreakerOpen');
  while (state?.status === 'open') {
    const run = await deps.breaker.probe();
    published.push(...run.published);
    if (run.outcome === 'closed' || run.outcome === 'still-open') probes += 1;
    state = await deps.breaker.read();
    if (state?.status !== 'open') break;
    const nextAt = Date.parse(state.probeAt ?? deps.now().toISOString()) + deps.probeMs;
    if (nextAt > stopAt) break;
    await deps.sleep(Math.max(nextAt - deps.now().getTime(), MIN_SLEEP_MS));
  }
  const summary: WatchSummary = {
    status: state?.status ?? 'unknown',
    ...(state?.status === 'open' && state.openedAt !== undefined && { since: state.openedAt }),
    probes,
    published,
  };
  if (probes > 0 || published.length > 0) {
    deps.log.info('Paypro breaker watched', {
      status: summary.status,
      probes,
      published: published.map(({ eventId, type }) => ({ eventId, type })),
    });
  }
  return summary;
}
