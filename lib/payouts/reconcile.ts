import { PayproUnknownOutcomeError } from '../errors';
import type { PayoutRecord, RequestRejected } from '../paypro/client';
import type { PayproSecret } from '../paypro/secret';
import { pullLimit } from '../shared/concurrency';
import type { PageCursor } from '../shared/page-cursor';
import { flagged } from './events';
import { isFinal, type Payout } from './payout';
import { reportFromQuery } from './query-report';
import { type ResendDeps, unknownAfterSend } from './resend';
import { sendOnce } from './send';
import { amountAgrees, settle } from './settle';
import type { DueIndex, DueRef } from './store';

/** What a reconcile run needs: its own settings, and the resend rule's (lib/payouts/resend.ts). */
export interface ReconcileDeps extends ResendDeps {
  /** The payouts table with its due index: the open payouts to check, claimed one check at a time. */
  repository: ResendDeps['repository'] & DueIndex;
  secret: () => Promise<PayproSecret>;
  reconcileMinAgeMs: number;
  /** The most payouts one run checks. */
  reconcileBatchSize: number;
  reconcileFlagAfterMs: number;
  /** How many payouts one run checks at once: at most this many Paypro calls in flight. */
  reconcileConcurrency: number;
}

/** What one run did, for its log line and for tests. */
export interface ReconcileSummary {
  /** Open payouts due at the start of the run (the backlog). */
  due: number;
  checked: number;
  settled: number;
  /** Payouts the run sent: first sends of payouts never sent, and sends again under the resend rule. */
  resent: number;
  stillOpen: number;
  /** Payouts the resend rule flagged, and payouts open past the flag age (these on every run). */
  flagged: number;
  failed: number;
  /** Due payouts another run had claimed, or that closed, before this run could claim them. */
  skipped: number;
}

const MAX_RECHECK_DELAY_MS = 60 * 60 * 1000;
// Keys-only items are small: a page of this many stays far below DynamoDB's 1 MB page.
const PAGE_SIZE = 500;

/**
 * Asks Paypro about open payouts that are due, at most a batch per run and
 * `reconcileConcurrency` at a time, and applies its answers through the state machine.
 * Each payout is first claimed by a conditional write that also sets its next check, so
 * overlapping runs never work the same payout in the same round. Stops taking payouts at
 * `stopAt` (epoch ms); what is left stays due for the next run. A payout Paypro does not know is
 * sent when the record proves it was never sent (no `sentAt`); one that was sent is left to the
 * resend rule (lib/payouts/resend.ts): sent again only if its send was not taken in.
 */
export async function reconcile(
  deps: ReconcileDeps,
  stopAt = Number.POSITIVE_INFINITY,
): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = {
    due: 0,
    checked: 0,
    settled: 0,
    resent: 0,
    stillOpen: 0,
    flagged: 0,
    failed: 0,
    skipped: 0,
  };
  const now = deps.now();
  summary.due = await measureBacklog(deps, now);
  if (summary.due === 0) return summary;

  let secret: Promise<PayproSecret> | undefined;
  const refs = dueRefs(deps, now.toISOString(), deps.reconcileBatchSize);
  // What is left when the deadline comes stays due and is taken by the next run.
  await pullLimit(
    refs,
    deps.reconcileConcurrency,
    async (ref) => {
      secret ??= deps.secret();
      await checkOne(deps, await secret, ref, summary);
    },
    () => Date.now() < stopAt,
  );
  deps.log.info('reconcile run finished', { ...summary });
  return summary;
}

/**
 * Publishes how many open payouts are due now and how long the most overdue has waited
 * past its check time: the backlog, which an alarm watches. Returns the count.
 */
async function measureBacklog(deps: ReconcileDeps, now: Date): Promise<number> {
  const { count: due, oldestCheckAfter: oldest } = await deps.repository.countDue(now.toISOString());
  const waitedS = oldest === undefined ? 0 : Math.max(0, (now.getTime() - Date.parse(oldest)) / 1000);
  deps.counter.count('ReconcileBacklog', due);
  deps.counter.count('ReconcileOldestDueSeconds', Math.round(waitedS), 'Seconds');
  return due;
}

/**
 * The due payouts, a page at a time as the workers take them (pullLimit), at most `max`: the due
 * index's order (no part of it waiting behind another) is the port's business.
 */
async function* dueRefs(deps: ReconcileDeps, now: string, max: number): AsyncGenerator<DueRef> {
  let cursor: PageCursor | undefined;
  let taken = 0;
  do {
    const page = await deps.repository.listDue(now, Math.min(PAGE_SIZE, max - taken), cursor);
    for (const ref of page.refs) {
      yield ref;
      taken += 1;
      if (taken >= max) return;
    }
    cursor = page.cursor;
  } while (cursor);
}

/** Claims one due payout and settles it; a failure is counted and logged, never thrown. */
async function checkOne(
  deps: ReconcileDeps,
  secret: PayproSecret,
  ref: DueRef,
  summary: ReconcileSummary,
): Promise<void> {
  try {
    const now = deps.now();
    const next = nextCheck(deps, now, ref.createdAt);
    const payout = await deps.repository.claimCheck(ref, next);
    if (!payout) {
      summary.skipped += 1;
      return;
    }
    summary.checked += 1;
    const after = await reconcileOne(deps, secret, payout, summary, { ...ref, checkAfter: next });
    if (isFinal(after.status)) {
      summary.settled += 1;
    } else {
      summary.stillOpen += 1;
      await flagIfTooOld(deps, after, summary);
    }
  } catch (error) {
    summary.failed += 1;
    deps.counter.count('ReconcileFailure');
    deps.log.error('could not reconcile payout', { tradeNo: ref.tradeNo, error });
  }
}

/** When to look again if this check leaves the payout open: young ones often, old ones hourly. */
function nextCheck(deps: ReconcileDeps, now: Date, createdAt: string): string {
  const ageMs = now.getTime() - Date.parse(createdAt);
  const delay = Math.min(Math.max(ageMs / 4, deps.reconcileMinAgeMs), MAX_RECHECK_DELAY_MS);
  return new Date(now.getTime() + (Number.isFinite(delay) ? delay : deps.reconcileMinAgeMs)).toISOString();
}

async function reconcileOne(
  deps: ReconcileDeps,
  secret: PayproSecret,
  payout: Payout,
  summary: ReconcileSummary,
  claimed: DueRef,
): Promise<Payout> {
  if (await heldUnsent(deps, payout, claimed)) return payout;
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
      if (sent.kind === 'held') {
        await recheckHeld(deps, claimed);
        return sent.payout;
      }
      if (sent.kind !== 'not-sent') summary.resent += 1;
      return sent.payout;
    }
    return resendRule(deps, secret, { ...payout, sentAt: payout.sentAt }, answer, summary);
  }

  // Paypro knows it: an earlier "unknown" answer no longer counts towards a send again.
  if (payout.unknownSince !== undefined) await deps.resends.clearUnknown(payout.tradeNo, payout.unknownSince);
  const report = reportFromQuery(answer);
  if (!(await amountAgrees(deps, payout, report.amount, 'query'))) return payout;
  return (await settle(deps, payout, report, 'query', { note: 'reconciler asked Paypro' })).payout;
}

/**
 * True (and its next check brought forward) for a never-sent payout while the breaker holds sends:
 * it could only be sent, so asking Paypro about it would cost a query (a whole PAYPRO_TIMEOUT_MS
 * while Paypro hangs) for nothing.
 */
async function heldUnsent(deps: ReconcileDeps, payout: Payout, claimed: DueRef): Promise<boolean> {
  if (payout.sentAt !== undefined || payout.status !== 'PENDING') return false;
  if ((await deps.breaker.admit()).ok) return false;
  await recheckHeld(deps, claimed);
  return true;
}

/**
 * A never-sent payout the breaker held stays PENDING and unsent; its next check comes after
 * RECONCILE_MIN_AGE_S (so the next run) rather than after a quarter of its age (up to an hour),
 * so that once Paypro is back it is sent within a run or two.
 */
async function recheckHeld(deps: ReconcileDeps, claimed: DueRef): Promise<void> {
  const soon = new Date(deps.now().getTime() + deps.reconcileMinAgeMs).toISOString();
  if (soon >= claimed.checkAfter) return;
  try {
    await deps.repository.claimCheck(claimed, soon);
  } catch (error) {
    // It stays due at its claimed time: later, never lost.
    deps.log.warn('could not bring the check of a held payout forward', { tradeNo: claimed.tradeNo, error });
  }
}

/** Flags a payout open too long: once in its history, in the metric every run. */
async function flagIfTooOld(deps: ReconcileDeps, payout: Payout, summary: ReconcileSummary): Promise<void> {
  const now = deps.now();
  const ageMs = now.getTime() - Date.parse(payout.createdAt);
  if (ageMs < deps.reconcileFlagAfterMs) return;
  summary.flagged += 1;
  deps.counter.count('PayoutOpenOver24h');
  deps.log.error('payout still open past the flag age: needs a human', {
    tradeNo: payout.tradeNo,
    status: payout.status,
    createdAt: payout.createdAt,
    sent: payout.sentAt !== undefined,
  });
  const at = now.toISOString();
  await deps.repository.flag(
    payout.tradeNo,
    {
      at,
      source: 'reconciler',
      note: 'still open past the flag age; needs a human (see docs/operator-guide.md, "Flagged payouts")',
    },
    flagged(payout, at),
  );
}

/** A sent payout Paypro's query does not know: the resend rule decides (lib/payouts/resend.ts), and the run counts it. */
async function resendRule(
  deps: ReconcileDeps,
  secret: PayproSecret,
  payout: Payout & { sentAt: string },
  answer: RequestRejected,
  summary: ReconcileSummary,
): Promise<Payout> {
  const rule = await unknownAfterSend(deps, secret, payout, answer);
  if (rule.outcome === 'resent') summary.resent += 1;
  if (rule.outcome === 'flagged') summary.flagged += 1;
  return rule.payout;
}
