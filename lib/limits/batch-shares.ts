import { CapExceededError, type CapName } from '../errors';
import { forEachLimit } from '../shared/concurrency';
import {
  CAP_TOTAL_CONCURRENCY,
  type CapDeps,
  type CapShare,
  capTotalExpiry,
  type DailyCaps,
  dayKey,
  type Refusal,
  recipientKey,
  refusalOf,
} from './caps';
import type { BatchCapLedger, CapTotal } from './store';

/*
 * A batch's shares of the caps, each reserved and given back at most once per counter however
 * often a step runs again: every such write is one conditional write that also checks, adds or
 * removes the batch's mark on the counter itself (docs/payouts.md, "Caps"; docs/batches.md).
 *   reserve:  ADD share, mark           if the counter has no mark and room
 *   settle:   ADD -unused, mark#settled if it has the mark and not mark#settled
 *   release:  ADD -share, DELETE mark   if it has the mark
 */

/** What a batch's cap writes need. */
export interface BatchCapDeps extends CapDeps {
  caps: BatchCapLedger;
  dailyCaps: DailyCaps;
}

/** The mark a batch leaves on the counters it reserves against: its batchId and a prefix of its request hash. */
export function batchMark(batchId: string, requestHash: string): string {
  return `${batchId}#${requestHash.slice(0, 16)}`;
}

const settledMark = (mark: string) => `${mark}#settled`;

// A refusal read back with room to spare means a give-back landed in between: try again, this often.
const HOLD_ATTEMPTS = 3;

/** One counter: `added` by this call, already `held` by the batch, or the refusal of its limits. */
async function holdOne(
  ledger: BatchCapLedger,
  key: string,
  add: CapTotal,
  limit: CapTotal,
  expiresAt: number,
  mark: string,
): Promise<'added' | 'held' | Refusal> {
  for (let attempt = 1; attempt <= HOLD_ATTEMPTS; attempt += 1) {
    if (await ledger.tryAddMarked(key, add, limit, expiresAt, mark)) return 'added';
    const counted = await ledger.read(key);
    if (counted.marks?.includes(mark)) return 'held';
    const refusal = refusalOf(counted, add, limit);
    if (refusal) return refusal;
  }
  return { which: 'amount', limit: limit.amount, remaining: 0 };
}

/**
 * Reserves a batch's share of the day's totals, at most once per batch: `added` by this call,
 * `held` already; CapExceededError (nothing reserved) when the day's caps refuse it.
 */
export async function holdDayShare(
  deps: BatchCapDeps,
  day: string,
  share: CapTotal,
  mark: string,
): Promise<'added' | 'held'> {
  const limit = { amount: deps.dailyCaps.dailyMaxAmount, count: deps.dailyCaps.dailyMaxCount };
  const outcome = await holdOne(deps.caps, dayKey(day), share, limit, capTotalExpiry(day), mark);
  if (outcome === 'added' || outcome === 'held') return outcome;
  deps.counter.count('CapRefused');
  const cap: CapName = outcome.which === 'count' ? 'dailyCount' : 'dailyAmount';
  deps.log.info('batch refused: daily cap', { cap, day, limit: outcome.limit, remaining: outcome.remaining });
  throw new CapExceededError(cap, outcome.limit, outcome.remaining, day);
}

/** A recipient the caps refused, and why. */
export interface RecipientRefusal {
  share: CapShare;
  refusal: Refusal;
}

/**
 * Reserves each recipient's share of a batch, at most once per recipient, CAP_TOTAL_CONCURRENCY at a
 * time; returns the refused recipients (nothing reserved for them). Stops starting new ones once
 * `stop()` says so (the batch was cancelled meanwhile); what was reserved stays, marked.
 */
export async function holdRecipientShares(
  deps: BatchCapDeps,
  day: string,
  shares: readonly CapShare[],
  mark: string,
  stop: () => boolean = () => false,
): Promise<RecipientRefusal[]> {
  const limit = {
    amount: deps.dailyCaps.recipientDailyMaxAmount,
    count: deps.dailyCaps.recipientDailyMaxCount,
  };
  const expiresAt = capTotalExpiry(day);
  const refused: RecipientRefusal[] = [];
  await forEachLimit(shares, CAP_TOTAL_CONCURRENCY, async (share) => {
    if (stop()) return;
    const value = { amount: share.amount, count: share.count };
    const outcome = await holdOne(deps.caps, recipientKey(share.mobile, day), value, limit, expiresAt, mark);
    if (outcome !== 'added' && outcome !== 'held') refused.push({ share, refusal: outcome });
  });
  return refused;
}

/**
 * Gives a batch's whole reservation back (it was REJECTED or CANCELLED before anything was
 * recorded): each counter at most once, whichever run does it. Throws on a store failure, so the
 * step runs again; what was given back stays given back.
 */
export async function releaseBatchShares(
  deps: BatchCapDeps,
  day: string,
  recipients: readonly CapShare[],
  dayShare: CapTotal,
  mark: string,
): Promise<void> {
  const change = { requires: mark, removes: [mark] };
  await forEachLimit(recipients, CAP_TOTAL_CONCURRENCY, async (share) => {
    await deps.caps.subtractMarked(
      recipientKey(share.mobile, day),
      { amount: share.amount, count: share.count },
      change,
    );
  });
  await deps.caps.subtractMarked(dayKey(day), dayShare, change);
}

/**
 * Gives back what a recorded batch reserved and did not use (items another payout held, items
 * it adopted, whose payouts hold their own share): each counter at most once.
 */
export async function settleBatchShares(
  deps: BatchCapDeps,
  day: string,
  unused: readonly CapShare[],
  mark: string,
): Promise<void> {
  if (unused.length === 0) return;
  const change = { requires: mark, adds: settledMark(mark) };
  await forEachLimit(unused, CAP_TOTAL_CONCURRENCY, async (share) => {
    await deps.caps.subtractMarked(
      recipientKey(share.mobile, day),
      { amount: share.amount, count: share.count },
      change,
    );
  });
  await deps.caps.subtractMarked(dayKey(day), totalOf(unused), change);
}

/**
 * Takes back a day's reservation this call added for a batch that turned out to be another's or
 * already final (a late duplicate of its intake): at most once, by the same mark.
 */
export async function releaseDayShare(
  deps: BatchCapDeps,
  day: string,
  share: CapTotal,
  mark: string,
): Promise<void> {
  await deps.caps.subtractMarked(dayKey(day), share, { requires: mark, removes: [mark] });
}

/**
 * Removes a finished batch's marks from the day's counter (its share stays counted), before the
 * batch is marked final: a late duplicate of its intake then finds it final and gives its own back.
 */
export async function dropDayMarks(deps: BatchCapDeps, day: string, mark: string): Promise<void> {
  await deps.caps.removeMarks(dayKey(day), [mark, settledMark(mark)]);
}

/** The sum of shares. */
export function totalOf(shares: readonly CapTotal[]): CapTotal {
  return {
    amount: shares.reduce((sum, s) => sum + s.amount, 0),
    count: shares.reduce((sum, s) => sum + s.count, 0),
  };
}

/** One share per recipient of the given lines (`items` their indexes, to name them in a refusal). */
export function sharesByRecipient(
  lines: ReadonlyArray<{ index: number; mobile: string; amount: number }>,
): CapShare[] {
  const byMobile = new Map<string, CapShare>();
  for (const line of lines) {
    const share = byMobile.get(line.mobile) ?? { mobile: line.mobile, amount: 0, count: 0, items: [] };
    share.amount += line.amount;
    share.count += 1;
    share.items?.push(line.index);
    byMobile.set(line.mobile, share);
  }
  return [...byMobile.values()];
}
