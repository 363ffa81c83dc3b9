import { PayproUnknownOutcomeError } from '../errors';
import type { PayoutRecord, RequestRejected } from '../paypro/client';
import type { PayproSecret } from '../paypro/secret';
import { isFinal, type Payout } from './payout';
import { reportFromQuery } from './query-report';
import { type SendDeps, sendOnce } from './send';
import { amountAgrees, settle } from './settle';

/** What a reconcile run needs. */
export interface ReconcileDeps extends SendDeps {
  secret: () => Promise<PayproSecret>;
  reconcileMinAgeMs: number;
  reconcileBatchSize: number;
  reconcileFlagAfterMs: number;
}

/** What one run did, for its log line and for tests. */
export interface ReconcileSummary {
  checked: number;
  settled: number;
  resent: number;
  stillOpen: number;
  flagged: number;
  failed: number;
}

const MAX_RECHECK_DELAY_MS = 60 * 60 * 1000;

/**
 * Asks Paypro about open payouts that are due, oldest due first and at most a batch per
 * run (stopping early at `stopAt`, epoch ms), and applies its answers through the state
 * machine. A payout is sent again only when Paypro does not know it *and* the record proves
 * it was never sent (no `sentAt`).
 */
export async function reconcile(
  deps: ReconcileDeps,
  stopAt = Number.POSITIVE_INFINITY,
): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = {
    checked: 0,
    settled: 0,
    resent: 0,
    stillOpen: 0,
    flagged: 0,
    failed: 0,
  };
  const due = await deps.repository.listDue(deps.now().toISOString(), deps.reconcileBatchSize);
  if (due.length === 0) return summary;
  const secret = await deps.secret();
  for (const payout of due) {
    // What is left stays due and is taken by the next run.
    if (Date.now() >= stopAt) break;
    summary.checked += 1;
    try {
      const after = await reconcileOne(deps, secret, payout, summary);
      if (isFinal(after.status)) {
        summary.settled += 1;
      } else {
        summary.stillOpen += 1;
        await keepWatching(deps, after, summary);
      }
    } catch (error) {
      summary.failed += 1;
      deps.counter.count('ReconcileFailure');
      deps.log.error('could not reconcile payout', { tradeNo: payout.tradeNo, error });
    }
  }
  deps.log.info('reconcile run finished', { ...summary });
  return summary;
}

async function reconcileOne(
  deps: ReconcileDeps,
  secret: PayproSecret,
  payout: Payout,
  summary: ReconcileSummary,
): Promise<Payout> {
  let answer: PayoutRecord | RequestRejected;
  try {
    answer = await deps.paypro.queryPayout(secret, payout.tradeNo);
  } catch (error) {
    if (!(error instanceof PayproUnknownOutcomeError)) throw error;
    summary.failed += 1;
    deps.counter.count('ReconcileFailure');
    deps.log.warn('Paypro query failed; will ask again', { tradeNo: payout.tradeNo, reason: error.message });
    return payout;
  }

  if (answer.kind === 'rejected') {
    if (payout.sentAt === undefined) {
      // Never handed to Paypro and Paypro does not know it: sending now is the first send.
      const sent = await sendOnce(deps, payout, secret);
      if (sent.kind !== 'not-sent') summary.resent += 1;
      return sent.payout;
    }
    deps.log.warn('Paypro does not know a payout that was sent; not sending again', {
      tradeNo: payout.tradeNo,
      code: answer.code,
      message: answer.message,
    });
    return payout;
  }

  const report = reportFromQuery(answer);
  if (!amountAgrees(deps, payout, report.amount, 'query')) return payout;
  return (await settle(deps, payout, report, 'query', { note: 'reconciler asked Paypro' })).payout;
}

/** Flags a payout open too long (once in its history, in the metric every run) and sets its next check. */
async function keepWatching(deps: ReconcileDeps, payout: Payout, summary: ReconcileSummary): Promise<void> {
  const now = deps.now();
  const ageMs = now.getTime() - Date.parse(payout.createdAt);
  if (ageMs >= deps.reconcileFlagAfterMs) {
    summary.flagged += 1;
    deps.counter.count('PayoutOpenOver24h');
    deps.log.error('payout still open past the flag age: needs a human', {
      tradeNo: payout.tradeNo,
      status: payout.status,
      createdAt: payout.createdAt,
      sent: payout.sentAt !== undefined,
    });
    await deps.repository.flag(payout.tradeNo, {
      at: now.toISOString(),
      source: 'reconciler',
      note: 'still open past the flag age; needs a human (see README, "Flagged payouts")',
    });
  }
  // Back off as a payout ages: young ones are checked often, old ones hourly.
  const delay = Math.min(Math.max(ageMs / 4, deps.reconcileMinAgeMs), MAX_RECHECK_DELAY_MS);
  await deps.repository.reschedule(payout.tradeNo, new Date(now.getTime() + delay).toISOString());
}
