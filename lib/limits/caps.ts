import { CapExceededError, type CapName, type FieldProblem } from '../errors';
import { forEachLimit } from '../shared/concurrency';
import type { Log } from '../shared/logger';
import { maskMobile } from '../shared/mask';
import type { Counter } from '../shared/metrics';
import type { CapLedger, CapTotal, CapTotalState } from './store';

/** A stage's caps, per Kenya calendar day (docs/payouts.md, "Caps"). */
export interface DailyCaps {
  dailyMaxAmount: number;
  dailyMaxCount: number;
  recipientDailyMaxAmount: number;
  recipientDailyMaxCount: number;
}

/** What giving budget back needs. */
export interface CapDeps {
  caps: CapLedger;
  log: Log;
  counter: Counter;
}

/** What reserving needs: the counters and the stage's limits. */
export interface ReserveDeps extends CapDeps {
  dailyCaps: DailyCaps;
}

/** What one payout, or all of one recipient's items in a batch, takes from the caps. */
export interface CapShare {
  mobile: string;
  amount: number;
  count: number;
  /** In a batch: the indexes of the items this share adds up, to name them in a refusal. */
  items?: number[];
}

/** What of a payout its caps count: the day its share was reserved on (none before caps existed), whose, how much. */
export interface CappedPayout {
  capDay?: string;
  mobile: string;
  amount: number;
}

/** Budget reserved by one call of `reserveCaps`, to give back if the payout is not recorded after all. */
export interface Reservation {
  release(): Promise<void>;
}

/** The counter of the day's total. */
export function dayKey(day: string): string {
  return `DAY#${day}`;
}

/** The counter of one recipient's day. */
export function recipientKey(mobile: string, day: string): string {
  return `MOBILE#${mobile}#${day}`;
}

// Counters outlive their day by this long before DynamoDB's TTL deletes them, so a payout that
// fails weeks later still finds its counter; nothing reads an old day's counter otherwise.
const CAP_TOTAL_RETENTION_DAYS = 40;
/** Recipient counters are written this many at a time for a batch (one per distinct mobile). */
export const CAP_TOTAL_CONCURRENCY = 64;
// A refusal read back with room to spare means a release landed in between: try again, this often.
const RESERVE_ATTEMPTS = 3;

/** Which limit of a counter refused a reservation, and what was left of it. */
export interface Refusal {
  which: 'amount' | 'count';
  limit: number;
  remaining: number;
}

/** When a day's counters may be deleted by DynamoDB's TTL (epoch seconds). */
export function capTotalExpiry(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + CAP_TOTAL_RETENTION_DAYS * 86_400;
}

/** The refusal a counter as read gives `add`, or undefined when it has room for it after all. */
export function refusalOf(counted: CapTotalState, add: CapTotal, limit: CapTotal): Refusal | undefined {
  const left = {
    amount: Math.max(0, limit.amount - counted.amount),
    count: Math.max(0, limit.count - counted.count),
  };
  if (add.count > left.count) return { which: 'count', limit: limit.count, remaining: left.count };
  if (add.amount > left.amount) return { which: 'amount', limit: limit.amount, remaining: left.amount };
  return undefined;
}

/**
 * Reserves shares of a Kenya day's caps before anything is recorded: first each recipient's
 * counter, then the day's total, each with one conditional write that fails rather than go
 * past its limit. All or nothing: on a refusal, what was reserved is given back and a
 * CapExceededError names the cap, its limit and what is left.
 */
export async function reserveCaps(deps: ReserveDeps, day: string, shares: CapShare[]): Promise<Reservation> {
  const expiresAt = capTotalExpiry(day);
  const taken: Array<{ key: string; value: CapTotal }> = [];
  const release = async () => {
    const back = taken.splice(0);
    await forEachLimit(back, CAP_TOTAL_CONCURRENCY, ({ key, value }) => giveBack(deps, key, value));
  };
  if (shares.length === 0) return { release };
  try {
    // Recipients first: their counters are spread over mobiles and rarely contended, so the day's
    // counter, which every payout shares, is only written for payouts that fit their recipient.
    const recipientLimit = {
      amount: deps.dailyCaps.recipientDailyMaxAmount,
      count: deps.dailyCaps.recipientDailyMaxCount,
    };
    const refused: Array<{ share: CapShare; refusal: Refusal }> = [];
    await forEachLimit(shares, CAP_TOTAL_CONCURRENCY, async (share) => {
      const key = recipientKey(share.mobile, day);
      const value = { amount: share.amount, count: share.count };
      const refusal = await reserveOne(deps.caps, key, value, recipientLimit, expiresAt);
      if (refusal) refused.push({ share, refusal });
      else taken.push({ key, value });
    });
    if (refused.length > 0) {
      await release();
      throw recipientRefusal(deps, day, refused);
    }

    const total = {
      amount: shares.reduce((sum, s) => sum + s.amount, 0),
      count: shares.reduce((sum, s) => sum + s.count, 0),
    };
    const dayLimit = { amount: deps.dailyCaps.dailyMaxAmount, count: deps.dailyCaps.dailyMaxCount };
    const refusal = await reserveOne(deps.caps, dayKey(day), total, dayLimit, expiresAt);
    if (refusal) {
      await release();
      deps.counter.count('CapRefused');
      const cap: CapName = refusal.which === 'count' ? 'dailyCount' : 'dailyAmount';
      deps.log.info('payout refused: daily cap', {
        cap,
        day,
        limit: refusal.limit,
        remaining: refusal.remaining,
      });
      throw new CapExceededError(cap, refusal.limit, refusal.remaining, day);
    }
    taken.push({ key: dayKey(day), value: total });
  } catch (error) {
    // The store failed midway: give back what this call took, then let the caller answer 503.
    if (!(error instanceof CapExceededError)) await release();
    throw error;
  }
  return { release };
}

/** Gives a payout's share back to the day it was reserved against; for a payout that ended FAILED. */
export async function releaseCaps(deps: CapDeps, payout: CappedPayout): Promise<void> {
  // Recorded before caps existed: nothing was reserved, so nothing is given back.
  if (payout.capDay === undefined) return;
  await releaseShare(deps, payout.capDay, { mobile: payout.mobile, amount: payout.amount, count: 1 });
}

/** Gives one share back to a day's counters (the recipient's and the total). Never throws. */
export async function releaseShare(deps: CapDeps, day: string, share: CapShare): Promise<void> {
  const value = { amount: share.amount, count: share.count };
  await Promise.all([
    giveBack(deps, recipientKey(share.mobile, day), value),
    giveBack(deps, dayKey(day), value),
  ]);
}

/** One counter: reserve, or say which of its limits refused and what is left of it. */
async function reserveOne(
  ledger: CapLedger,
  key: string,
  add: CapTotal,
  limit: CapTotal,
  expiresAt: number,
): Promise<Refusal | undefined> {
  for (let attempt = 1; attempt <= RESERVE_ATTEMPTS; attempt += 1) {
    if (await ledger.tryAdd(key, add, limit, expiresAt)) return undefined;
    const refusal = refusalOf(await ledger.read(key), add, limit);
    if (refusal) return refusal;
  }
  return { which: 'amount', limit: limit.amount, remaining: 0 };
}

/** The CapExceededError of a batch some of whose recipients' caps refused it, naming every item concerned. */
export function recipientRefusal(
  deps: Pick<ReserveDeps, 'counter' | 'log'>,
  day: string,
  refused: Array<{ share: CapShare; refusal: Refusal }>,
): CapExceededError {
  deps.counter.count('CapRefused');
  const first = (r: { share: CapShare }) => r.share.items?.[0] ?? 0;
  const ordered = [...refused].sort((a, b) => first(a) - first(b));
  const problems: FieldProblem[] = ordered.flatMap(({ share, refusal }) =>
    (share.items ?? []).map((index) => ({
      field: `items[${index}].mobile`,
      message:
        `this recipient's items would exceed the recipient's daily ${refusal.which} cap: ` +
        `limit ${refusal.limit}${refusal.which === 'amount' ? ' KES' : ''}, ${refusal.remaining} left`,
    })),
  );
  const { share, refusal } = ordered[0] as { share: CapShare; refusal: Refusal };
  const cap: CapName = refusal.which === 'count' ? 'recipientDailyCount' : 'recipientDailyAmount';
  deps.log.info('payout refused: recipient daily cap', {
    cap,
    day,
    mobile: maskMobile(share.mobile),
    limit: refusal.limit,
    remaining: refusal.remaining,
  });
  return new CapExceededError(cap, refusal.limit, refusal.remaining, day, problems);
}

/**
 * Takes reserved budget back. A failure only costs budget (the day's caps stay lower than they
 * should, never higher), so it is logged and counted for an operator, not thrown.
 */
async function giveBack(deps: CapDeps, key: string, value: CapTotal): Promise<void> {
  try {
    if (await deps.caps.subtract(key, value)) return;
    deps.log.error('cap counter holds less than the share given back; left as it is', {
      counter: key.startsWith('MOBILE#') ? 'recipient' : key,
      amount: value.amount,
    });
  } catch (error) {
    deps.log.error('could not give a share back to its cap counter; the day keeps it reserved', {
      counter: key.startsWith('MOBILE#') ? 'recipient' : key,
      amount: value.amount,
      error,
    });
  }
  deps.counter.count('CapReleaseFailed');
}
