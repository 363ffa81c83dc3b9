import { readConfig } from '../lib/config';
import { scheduleHandler } from '../lib/handlers/schedule';
import { type ReconcileDeps, reconcile } from '../lib/payouts/reconcile';
import { buildReconcileDeps, readReconcileFunction } from '../lib/wiring/payouts';

/** Scheduled: settles open payouts by asking Paypro; throws only when the run itself fails. */
export function reconcileHandler(deps: ReconcileDeps) {
  return scheduleHandler((stopAt) => reconcile(deps, stopAt), {
    // Room to finish the payout in hand (a query and a send, each bounded by PAYPRO_TIMEOUT_MS ≤ 15 s).
    marginMs: 40_000,
  });
}

export const handler = reconcileHandler(buildReconcileDeps(readConfig(readReconcileFunction)));
