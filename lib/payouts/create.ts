import { createHash, randomInt } from 'node:crypto';
import { CapExceededError, PayoutConflictError, PayoutExistsError, StoreUnavailableError } from '../errors';
import { type DailyCaps, type Reservation, reserveCaps } from '../limits/caps';
import type { PayproSecret } from '../paypro/secret';
import { kenyaDate, kenyaStamp } from '../shared/kenya-time';
import { type Payout, pendingPayout } from './payout';
import type { PayoutRequest } from './schema';
import { type Hold, type SendDeps, sendOnce } from './send';

/** What creating a payout needs from the outside world. */
export interface CreatePayoutDeps extends SendDeps {
  secret: () => Promise<PayproSecret>;
  /** The stage's daily caps, reserved before a payout is recorded. */
  dailyCaps: DailyCaps;
  /** How long after creation the reconciler first asks Paypro about a still-open payout. */
  reconcileMinAgeMs: number;
}

/**
 * `created`: this call recorded and sent the payout; `replayed`: an identical request
 * had already created it; `pending`: recorded, but whether Paypro has it is not known yet
 * (or it was held, unsent, while Paypro is unavailable: the reconciler sends it).
 */
export type CreateOutcome = 'created' | 'replayed' | 'pending';

/** A tradeNo as Paypro recommends: `yyyyMMddHHmmss` (Kenya time) + 6 random digits. */
export function generateTradeNo(now: Date): string {
  return `${kenyaStamp(now)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/** Fingerprint of what a payout pays, so a retry can be told from a different payout. */
export function requestHash(request: Omit<PayoutRequest, 'tradeNo'>): string {
  const canonical = JSON.stringify([request.amount, request.mobile, request.remark ?? '']);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

// Generated tradeNos carry 6 random digits: a clash within one second is rare, not impossible.
const GENERATED_TRADE_NO_ATTEMPTS = 3;

/**
 * Reserves the payout's share of the day's caps, records it as PENDING before anything is
 * sent, sends it to Paypro at most once, and records Paypro's answer. Identical retries get
 * the stored payout back; a payout over a cap is refused (CapExceededError) with nothing
 * recorded or sent.
 */
export async function createPayout(
  deps: CreatePayoutDeps,
  request: PayoutRequest,
): Promise<{ outcome: CreateOutcome; payout: Payout }> {
  const hash = requestHash(request);
  // Read before writing: without the secret nothing could be sent, so nothing is recorded.
  const secret = await deps.secret();
  // One instant for the caps' day and the record's createdAt, so a FAILED payout gives its
  // share back to the very day it took it from.
  const now = deps.now();
  const day = kenyaDate(now);
  const reservation = await reserve(deps, request, hash, day);
  if (!('release' in reservation)) return reservation;

  for (let attempt = 1; ; attempt += 1) {
    const pending = pendingPayout({
      request: { ...request, tradeNo: request.tradeNo ?? generateTradeNo(now) },
      requestHash: hash,
      capDay: day,
      createdAt: now.toISOString(),
      recordedAt: now.toISOString(),
      note: 'payout requested',
    });
    const checkAfter = new Date(now.getTime() + deps.reconcileMinAgeMs).toISOString();
    // A store failure keeps the reservation: the record may have landed, and a share counted
    // twice only lowers the day's budget, while one counted never could overspend it.
    const written = await record(deps, pending, checkAfter);
    if (written === 'taken') {
      // Someone else's payout under a number we made up: make up another.
      if (request.tradeNo === undefined && attempt < GENERATED_TRADE_NO_ATTEMPTS) continue;
      // The tradeNo's payout reserved its own share when it was recorded.
      await reservation.release();
      return replay(deps, pending.tradeNo, hash);
    }
    deps.counter.count('PayoutCreated');
    const sent = await sendOnce(deps, pending, secret);
    if (sent.kind === 'known') return { outcome: 'created', payout: sent.payout };
    // Held by the breaker: never sent, so the reconciler sends it once Paypro is back.
    if (sent.kind === 'held') await noteHeld(deps, pending, sent);
    // The answer never reached us, but a callback or the reconciler may already have settled
    // the payout meanwhile: reply with what is stored, not with what this call last saw.
    const stored = await deps.repository.get(pending.tradeNo).catch(() => undefined);
    return { outcome: 'pending', payout: stored ?? sent.payout };
  }
}

/**
 * The payout's share of the caps, or, when the caps refuse a retry of a payout that is already
 * recorded, that payout's replay: an app retrying its own payout learns its state, whatever
 * today's caps say.
 */
async function reserve(
  deps: CreatePayoutDeps,
  request: PayoutRequest,
  hash: string,
  day: string,
): Promise<Reservation | { outcome: CreateOutcome; payout: Payout }> {
  try {
    return await reserveCaps(deps, day, [{ mobile: request.mobile, amount: request.amount, count: 1 }]);
  } catch (error) {
    if (!(error instanceof CapExceededError) || request.tradeNo === undefined) throw error;
    // A read that fails is a 503, not the 422: "nothing recorded" must be known, not assumed.
    const existing = await deps.repository.get(request.tradeNo);
    if (!existing) throw error;
    return replay(deps, request.tradeNo, hash);
  }
}

/**
 * Writes the PENDING record: `written`, or `taken` when the tradeNo exists. A failed write
 * may still have landed, so a read decides before the store is declared unavailable.
 */
async function record(
  deps: CreatePayoutDeps,
  pending: Payout,
  checkAfter: string,
): Promise<'written' | 'taken'> {
  try {
    await deps.repository.create(pending, checkAfter);
    return 'written';
  } catch (error) {
    if (error instanceof PayoutExistsError) return 'taken';
    if (!(error instanceof StoreUnavailableError)) throw error;
    const stored = await deps.repository.get(pending.tradeNo).catch(() => undefined);
    if (stored && stored.createdAt === pending.createdAt && stored.requestHash === pending.requestHash) {
      return 'written';
    }
    if (stored) return 'taken';
    throw new StoreUnavailableError(error.message, { cause: error, tradeNo: pending.tradeNo });
  }
}

/** The history note of a payout the breaker held: why, and since when. */
function heldNote(hold: Pick<Hold, 'reason' | 'since'>): string {
  return hold.reason === 'open'
    ? `held: Paypro unavailable since ${hold.since}; it is sent once Paypro is back`
    : `held: Paypro just came back at ${hold.since}; sending at a ramp, it is sent shortly`;
}

/** Notes in the history why a recorded payout was not sent; a failed note is only logged. */
async function noteHeld(deps: CreatePayoutDeps, payout: Payout, hold: Pick<Hold, 'reason' | 'since'>) {
  const at = deps.now().toISOString();
  try {
    await deps.repository.appendHistory(payout.tradeNo, { at, source: 'api', note: heldNote(hold) }, at);
  } catch (error) {
    deps.log.error('could not note the held payout', { tradeNo: payout.tradeNo, error });
  }
}

async function replay(
  deps: CreatePayoutDeps,
  tradeNo: string,
  hash: string,
): Promise<{ outcome: CreateOutcome; payout: Payout }> {
  const existing = await deps.repository.get(tradeNo);
  if (!existing)
    throw new StoreUnavailableError(`Payout ${tradeNo} exists but could not be read back.`, { tradeNo });
  if (existing.requestHash !== hash) throw new PayoutConflictError(tradeNo);
  return { outcome: 'replayed', payout: existing };
}
