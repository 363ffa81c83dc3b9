import { randomUUID } from 'node:crypto';
import { PayproUnknownOutcomeError } from '../errors';
import type { Admission } from '../paypro/breaker';
import type { BreakerGate } from '../paypro/breaker-gate';
import { notifyUrl } from '../paypro/callback-token';
import type { PayoutAccepted, PayproApi, RequestRejected } from '../paypro/client';
import { type BackoffDeps, withRateLimitBackoff } from '../paypro/rate-limit';
import type { PayproSecret } from '../paypro/secret';
import { maskMobile } from '../shared/mask';
import type { Payout, SendFailure } from './payout';
import { reportFromQuery } from './query-report';
import { amountAgrees, type SettleDeps, settle } from './settle';

/** What sending needs. */
export interface SendDeps extends SettleDeps, Pick<BackoffDeps, 'sleep' | 'random'> {
  paypro: PayproApi;
  publicBaseUrl: string;
  /** The breaker shared by every money call: asked before a send, told of its outcome. */
  breaker: BreakerGate;
}

/** Why the breaker held a send, and since when (lib/paypro/breaker.ts, Admission). */
export type Hold = Exclude<Admission, { ok: true }>;

/**
 * `known`: Paypro's answer is recorded; `unknown`: sent, answer not known or not recorded;
 * `not-sent`: the payout could not be claimed for sending (already sent, or store down);
 * `held`: the breaker did not admit the send (Paypro unavailable since `since`, or just back and
 * this send waits its turn at the ramp): nothing was claimed or sent, so it may be sent later.
 */
export type SendResult =
  | { kind: 'known' | 'unknown' | 'not-sent'; payout: Payout }
  | { kind: 'held'; payout: Payout; reason: Hold['reason']; since: string };

type Context = Record<string, unknown>;

/**
 * Sends a recorded payout to Paypro at most once per claim of `sentAt`: the breaker is asked
 * first (held: nothing is claimed), then `sentAt` is set conditionally, so whoever fails to set
 * it does not send. The breaker is told whether Paypro answered; a failed send is recorded with
 * what the transport proved.
 */
export async function sendOnce(deps: SendDeps, payout: Payout, secret: PayproSecret): Promise<SendResult> {
  const context = { tradeNo: payout.tradeNo, mobile: maskMobile(payout.mobile), amount: payout.amount };
  const admission = await deps.breaker.admit();
  if (!admission.ok) {
    deps.log.info('payout held by the Paypro breaker; nothing sent', {
      ...context,
      reason: admission.reason,
      since: admission.since,
    });
    return { kind: 'held', payout, reason: admission.reason, since: admission.since };
  }
  const sentAt = deps.now().toISOString();
  const sendClaim = await claim(deps, payout.tradeNo, sentAt, context);
  if (sendClaim === undefined) return { kind: 'not-sent', payout };
  const sent = { ...payout, sentAt, sendClaim, updatedAt: sentAt };

  let answer: PayoutAccepted | RequestRejected;
  try {
    // Rate limited: not taken in, so the same request (same tradeNo) may go again after a wait.
    answer = await withRateLimitBackoff(deps, () =>
      deps.paypro.payout(secret, {
        tradeNo: payout.tradeNo,
        amount: payout.amount,
        mobile: payout.mobile,
        ...(payout.remark !== undefined && { remark: payout.remark }),
        notifyUrl: notifyUrl(deps.publicBaseUrl, secret.callbackKey, payout.tradeNo),
      }),
    );
  } catch (error) {
    if (!(error instanceof PayproUnknownOutcomeError)) throw error;
    await deps.breaker.recordFailure(error.failure);
    return { kind: 'unknown', payout: await recordFailure(deps, sent, error, context) };
  }
  await deps.breaker.recordSuccess();

  try {
    const result =
      answer.kind === 'accepted'
        ? {
            kind: 'known' as const,
            payout: (
              await settle(
                deps,
                sent,
                { status: answer.status, message: answer.message, serialNumber: answer.serialNumber },
                'paypro-payout',
                { note: 'payout accepted by Paypro' },
              )
            ).payout,
          }
        : await settleRefusal(deps, sent, secret, answer, context);
    deps.log.info('payout sent', { ...context, status: result.payout.status });
    return result;
  } catch (error) {
    deps.log.error('payout sent but its answer could not be recorded; the reconciler will settle it', {
      ...context,
      error,
    });
    return { kind: 'unknown', payout: sent };
  }
}

/** How a failed send's class reads in its history note. */
const CLASS_WORDS: Record<SendFailure['class'], string> = {
  'not-taken-in': 'not taken in',
  ambiguous: 'ambiguous',
};

/**
 * A send whose outcome is unknown: counted by what the transport proved, and recorded on the
 * payout (`sendFailure` and a history note, one write), which stays PENDING for the reconciler.
 */
async function recordFailure(
  deps: SendDeps,
  payout: Payout,
  error: PayproUnknownOutcomeError,
  context: Context,
): Promise<Payout> {
  const at = deps.now().toISOString();
  const failure: SendFailure = { class: error.failure.class, detail: error.failure.detail, at };
  deps.counter.count('PayoutOutcomeUnknown');
  deps.counter.count(failure.class === 'not-taken-in' ? 'PayoutSendNotTakenIn' : 'PayoutSendAmbiguous');
  deps.log.warn('payout send failed; left PENDING for the reconciler', {
    ...context,
    sendFailure: failure.class,
    reason: error.message,
  });
  const entry = {
    at,
    source: 'paypro-payout' as const,
    note: `send failed, ${CLASS_WORDS[failure.class]}: ${failure.detail}`,
  };
  try {
    await deps.repository.recordSendFailure(payout.tradeNo, failure, entry);
    return { ...payout, sendFailure: failure, updatedAt: at, history: [...payout.history, entry] };
  } catch (recordError) {
    deps.log.error('could not record the failed send', { tradeNo: payout.tradeNo, error: recordError });
    return payout;
  }
}

/**
 * Sets `sentAt` under a fresh claim id, returned when the claim is ours. When the write fails, it
 * may still have landed (a lost reply, or the SDK's retry meeting our own write): a read tells.
 */
async function claim(
  deps: SendDeps,
  tradeNo: string,
  sentAt: string,
  context: Context,
): Promise<string | undefined> {
  const id = randomUUID();
  try {
    await deps.repository.markSent(tradeNo, sentAt, id);
    return id;
  } catch (error) {
    const stored = await deps.repository.get(tradeNo).catch(() => undefined);
    if (stored?.sendClaim === id) return id;
    // Unmarked means unsent: the reconciler may send it later, so leaving it PENDING is safe.
    deps.log.warn('payout not claimed for sending; not sending it now', {
      ...context,
      claimedElsewhere: stored?.sentAt !== undefined,
      error,
    });
    return undefined;
  }
}

/**
 * Paypro refused the request itself. Its first layer alone must not decide a payout's fate
 * (a refusal such as "duplicate tradeNo" can hide a payout Paypro has), so ask its query:
 * FAILED only when Paypro does not know the payout; still PENDING when it cannot be asked.
 */
async function settleRefusal(
  deps: SendDeps,
  payout: Payout,
  secret: PayproSecret,
  refusal: RequestRejected,
  context: Context,
): Promise<SendResult> {
  const refused = `payout request refused by Paypro (${refusal.code} ${refusal.message})`;
  let record: Awaited<ReturnType<PayproApi['queryPayout']>>;
  try {
    record = await deps.paypro.queryPayout(secret, payout.tradeNo);
  } catch (error) {
    if (!(error instanceof PayproUnknownOutcomeError)) throw error;
    deps.log.warn('payout refused and Paypro could not be asked; left PENDING', {
      ...context,
      code: refusal.code,
    });
    const noted = await noteUnknown(deps, payout, `${refused}; Paypro query failed: ${error.message}`);
    return { kind: 'unknown', payout: noted };
  }
  if (record.kind === 'found') {
    deps.log.warn('Paypro refused the payout request but knows the payout; applying its query', context);
    const report = reportFromQuery(record);
    if (!(await amountAgrees(deps, payout, report.amount, 'query'))) return { kind: 'unknown', payout };
    const note = `${refused}; Paypro query knows it`;
    return { kind: 'known', payout: (await settle(deps, payout, report, 'query', { note })).payout };
  }
  const report = { status: refusal.code, message: refusal.message };
  const note = `${refused}; unknown to Paypro`;
  return { kind: 'known', payout: (await settle(deps, payout, report, 'paypro-payout', { note })).payout };
}

async function noteUnknown(deps: SendDeps, payout: Payout, note: string): Promise<Payout> {
  const at = deps.now().toISOString();
  const entry = { at, source: 'paypro-payout' as const, note };
  try {
    await deps.repository.appendHistory(payout.tradeNo, entry, at);
    return { ...payout, updatedAt: at, history: [...payout.history, entry] };
  } catch (noteError) {
    deps.log.error('could not note the unknown outcome', { tradeNo: payout.tradeNo, error: noteError });
    return payout;
  }
}
