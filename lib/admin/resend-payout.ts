import { PayproUnavailableError, PayproUnknownOutcomeError, ResendRefusedError } from '../errors';
import { getPayout } from '../payouts/get';
import { type HistoryEntry, isFinal, type Payout } from '../payouts/payout';
import { wordsOf } from '../payouts/resend';
import { type SendDeps, sendOnce } from '../payouts/send';
import type { ResendStore } from '../payouts/store';
import type { PayoutRecord, RequestRejected } from '../paypro/client';
import type { PayproSecret } from '../paypro/secret';
import { parseResendRequest } from './schema';

/** What an operator's resend needs: the send path (breaker included), the secret and the release write. */
export interface ResendPayoutDeps extends SendDeps {
  secret: () => Promise<PayproSecret>;
  resends: ResendStore;
  /** RESEND_AFTER_S, in ms: when the reconciler next looks at a payout released here. */
  resendAfterMs: number;
}

/** The payout after an operator's resend, and whether Paypro's answer to the send is recorded (else 202). */
export interface ResendResult {
  payout: Payout;
  answered: boolean;
}

/**
 * `POST /admin/payouts/{tradeNo}/resend`: an operator who checked with Paypro sends a PENDING payout
 * again with the same tradeNo, ambiguous ones included (the reconciler never resends those by
 * itself). Refused (409, nothing sent) when the payout is final, when Paypro's query knows it, or
 * when it is not PENDING; 503 when Paypro cannot be asked or the breaker holds payout calls.
 * Otherwise it is released by one conditional write that records who and why, and sent once by
 * sendOnce, whose conditional claim of `sentAt` keeps any other sender out.
 */
export async function resendPayout(
  deps: ResendPayoutDeps,
  tradeNo: string | undefined,
  body: unknown,
  operator: string,
): Promise<ResendResult> {
  const { reason } = parseResendRequest(body);
  const current = await getPayout(deps.repository, tradeNo);
  if (isFinal(current.status)) {
    throw new ResendRefusedError(current.tradeNo, current.status, `it is already ${current.status}`);
  }
  const secret = await deps.secret();
  let answer: PayoutRecord | RequestRejected;
  try {
    answer = await deps.paypro.queryPayout(secret, current.tradeNo);
  } catch (error) {
    if (!(error instanceof PayproUnknownOutcomeError)) throw error;
    throw new PayproUnavailableError(error.message, { cause: error });
  }
  if (answer.kind === 'found') {
    const said = `Paypro's query knows it (${wordsOf(answer)}); the reconciler applies what it says`;
    throw new ResendRefusedError(current.tradeNo, current.status, said, wordsOf(answer));
  }
  if (current.status !== 'PENDING') {
    const why = `it is ${current.status}: Paypro accepted a send of it, so only a PENDING payout is sent again`;
    throw new ResendRefusedError(current.tradeNo, current.status, why);
  }
  const admission = await deps.breaker.admit();
  if (!admission.ok) {
    throw new PayproUnavailableError(
      `the breaker holds payout calls (${admission.reason} since ${admission.since})`,
      {},
      'sending this payout while the breaker holds payout calls (Paypro unavailable, or just back)',
    );
  }
  const released = await release(deps, current, { operator, reason, said: wordsOf(answer) });
  const sent = await sendOnce(deps, released, secret);
  deps.log.info('payout sent again by an operator', {
    tradeNo: current.tradeNo,
    operator,
    sentBefore: current.sentAt !== undefined,
    outcome: sent.kind,
    status: sent.payout.status,
  });
  return { payout: sent.payout, answered: sent.kind === 'known' };
}

/**
 * Records who and why, and makes the payout sendable: a sent one is released by one conditional
 * write (counted as PayoutResent); one never sent only gets the history entry.
 */
async function release(
  deps: ResendPayoutDeps,
  current: Payout,
  why: { operator: string; reason: string; said: string },
): Promise<Payout> {
  const now = deps.now();
  const at = now.toISOString();
  const before = current.sentAt
    ? `sent before at ${current.sentAt}${current.sendFailure ? ` (${current.sendFailure.class}: ${current.sendFailure.detail})` : ''}`
    : 'never sent before';
  const entry: HistoryEntry = {
    at,
    source: 'operator',
    operator: why.operator,
    reason: why.reason,
    note: `sent again by an operator with the same tradeNo; Paypro's query did not know it (${why.said}); ${before}`,
  };
  if (current.sentAt === undefined) {
    await deps.repository.appendHistory(current.tradeNo, entry, at);
    return { ...current, updatedAt: at, history: [...current.history, entry] };
  }
  const released = await deps.resends.release(current.tradeNo, {
    sentAt: current.sentAt,
    at,
    entry,
    checkAfter: new Date(now.getTime() + deps.resendAfterMs).toISOString(),
  });
  if (!released) {
    // Sent, released or settled by someone else since it was read: what was checked no longer holds.
    const reread = (await deps.repository.get(current.tradeNo)) ?? current;
    const sent = reread.sentAt ? `, sent at ${reread.sentAt}` : '';
    const changed = `it changed while this resend was being written (now ${reread.status}${sent}); look at it again`;
    throw new ResendRefusedError(current.tradeNo, reread.status, changed);
  }
  deps.counter.count('PayoutResent');
  return released;
}
