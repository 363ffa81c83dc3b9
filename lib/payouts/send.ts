import { randomUUID } from 'node:crypto';
import { PayproUnknownOutcomeError } from '../errors';
import type { BreakerGate } from '../paypro/breaker-gate';
import { notifyUrl } from '../paypro/callback-token';
import type { PayoutAccepted, PayproApi, RequestRejected } from '../paypro/client';
import type { PayproSecret } from '../paypro/secret';
import { maskMobile } from '../shared/mask';
import type { Payout } from './payout';
import { reportFromQuery } from './query-report';
import { amountAgrees, type SettleDeps, settle } from './settle';

/** What sending needs. */
export interface SendDeps extends SettleDeps {
  paypro: PayproApi;
  publicBaseUrl: string;
  /** The breaker shared by every money call: asked before a send, told of its outcome. */
  breaker: BreakerGate;
}

/**
 * `known`: Paypro's answer is recorded; `unknown`: sent, answer not known or not recorded;
 * `not-sent`: the payout could not be claimed for sending (already sent, or store down).
 */
export type SendResult = { kind: 'known' | 'unknown' | 'not-sent'; payout: Payout };

type Context = Record<string, unknown>;

/**
 * Sends a recorded payout to Paypro at most once in its life: `sentAt` is set
 * conditionally first, so whoever fails to set it does not send.
 */
export async function sendOnce(deps: SendDeps, payout: Payout, secret: PayproSecret): Promise<SendResult> {
  const context = { tradeNo: payout.tradeNo, mobile: maskMobile(payout.mobile), amount: payout.amount };
  const sentAt = deps.now().toISOString();
  if (!(await claim(deps, payout.tradeNo, sentAt, context))) return { kind: 'not-sent', payout };
  const sent = { ...payout, sentAt, updatedAt: sentAt };

  let answer: PayoutAccepted | RequestRejected;
  try {
    answer = await deps.paypro.payout(secret, {
      tradeNo: payout.tradeNo,
      amount: payout.amount,
      mobile: payout.mobile,
      ...(payout.remark !== undefined && { remark: payout.remark }),
      notifyUrl: notifyUrl(deps.publicBaseUrl, secret.callbackKey, payout.tradeNo),
    });
  } catch (error) {
    if (!(error instanceof PayproUnknownOutcomeError)) throw error;
    deps.counter.count('PayoutOutcomeUnknown');
    deps.log.warn('payout outcome unknown; left PENDING for the reconciler', {
      ...context,
      reason: error.message,
    });
    return { kind: 'unknown', payout: await noteUnknown(deps, sent, `outcome unknown: ${error.message}`) };
  }

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

/**
 * Sets `sentAt` under a fresh claim id. When the write fails, it may still have landed (a
 * lost reply, or the SDK's retry meeting our own write): a read tells whether the claim is ours.
 */
async function claim(deps: SendDeps, tradeNo: string, sentAt: string, context: Context): Promise<boolean> {
  const id = randomUUID();
  try {
    await deps.repository.markSent(tradeNo, sentAt, id);
    return true;
  } catch (error) {
    const stored = await deps.repository.get(tradeNo).catch(() => undefined);
    if (stored?.sendClaim === id) return true;
    // Unmarked means unsent: the reconciler may send it later, so leaving it PENDING is safe.
    deps.log.warn('payout not claimed for sending; not sending it now', {
      ...context,
      claimedElsewhere: stored?.sentAt !== undefined,
      error,
    });
    return false;
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
