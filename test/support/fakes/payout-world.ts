import type { DailyCaps } from '../../../lib/limits/caps';
import type { CallbackDeps } from '../../../lib/payouts/callback';
import type { CreatePayoutDeps } from '../../../lib/payouts/create';
import type { ReconcileDeps } from '../../../lib/payouts/reconcile';
import { inMemoryBreaker } from './breaker';
import { InMemoryCapLedger } from './cap-ledger';
import { countingCounter, manualClock, recordingLog } from './observability';
import { InMemoryPayoutStore } from './payout-store';
import { FakePaypro } from './paypro';
import { FAKE_SECRET } from './secrets';

/** Caps no test meets unless it sets its own. */
export const ROOMY_CAPS: DailyCaps = {
  dailyMaxAmount: 10_000_000,
  dailyMaxCount: 10_000,
  recipientDailyMaxAmount: 1_000_000,
  recipientDailyMaxCount: 100,
};

/**
 * Everything the payout use cases need, in memory: the payouts table, the caps' counters, Paypro,
 * a clock the test moves, and a log and counter that remember. `deps` fits createPayout, sendOnce,
 * settle, handleCallback and reconcile alike.
 */
export function payoutWorld(options: { start?: string; dailyCaps?: DailyCaps } = {}) {
  const store = new InMemoryPayoutStore();
  const caps = new InMemoryCapLedger();
  const paypro = new FakePaypro();
  const clock = manualClock(options.start ?? '2026-11-24T07:00:00.000Z');
  const counter = countingCounter();
  const log = recordingLog();
  const { breaker, store: breakerStore } = inMemoryBreaker({ log, counter, now: clock.now });
  const deps: CreatePayoutDeps & ReconcileDeps & CallbackDeps = {
    repository: store,
    caps,
    paypro,
    breaker,
    counter,
    log,
    now: clock.now,
    secret: async () => FAKE_SECRET,
    publicBaseUrl: 'https://payouts.test/test',
    dailyCaps: options.dailyCaps ?? ROOMY_CAPS,
    reconcileMinAgeMs: 60_000,
    reconcileBatchSize: 100,
    reconcileFlagAfterMs: 24 * 60 * 60_000,
    reconcileConcurrency: 4,
    resends: store,
    resendAfterMs: 120_000,
    maxResends: 3,
    verifyByQuery: true,
  };
  return { store, caps, paypro, clock, counter, log, breaker, breakerStore, deps };
}
