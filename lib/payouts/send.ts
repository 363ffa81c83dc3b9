import { PayproUnknownOutcomeError, StaleStateError } from '../errors';
import { notifyUrl } from '../paypro/callback-token';
import type { PayoutAccepted, PayproClient, RequestRejected } from '../paypro/client';
import type { PayproSecret } from '../paypro/secret';
import { maskMobile, type Payout } from './payout';
import { type SettleDeps, settle } from './settle';

/** What sending needs. */
export interface SendDeps extends SettleDeps {
  paypro: PayproClient;
  publicBaseUrl: string;
}

/**
 * `known`: Paypro's answer is recorded; `unknown`: sent, answer not known or not recorded;
 * `not-sent`: the payout could not be claimed for sending (already sent, or store down).
 */
export type SendResult = { kind: 'known' | 'unknown' | 'not-sent'; payout: Payout };

/**
 * Sends a recorded payout to Paypro at most once in its life: `sentAt` is set
 * conditionally first, so whoever fails to set it does not send.
 */
export async function sendOnce(deps: SendDeps, payout: Payout, secret: PayproSecret): Promise<SendResult> {
  const context = { tradeNo: payout.tradeNo, mobile: maskMobile(payout.mobile), amount: payout.amount };
  const sentAt = deps.now().toISOString();
  try {
    await deps.repository.markSent(payout.tradeNo, sentAt);
  } catch (error) {
    if (error instanceof StaleStateError) {
      deps.log.info('payout already handed to Paypro; not sending again', context);
    } else {
      // Unmarked means unsent: the reconciler may send it later, so leaving it PENDING is safe.
      deps.log.error('could not mark payout as sent; not sending it now', { ...context, error });
    }
    return { kind: 'not-sent', payout };
  }
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
    return { kind: 'unknown', payout: await noteUnknown(deps, sent, error) };
  }

  const report =
    answer.kind === 'accepted'
      ? { status: answer.status, message: answer.message, serialNumber: answer.serialNumber }
      : { status: answer.code, message: answer.message };
  const note = answer.kind === 'accepted' ? 'payout accepted by Paypro' : 'payout request rejected by Paypro';
  try {
    const settled = await settle(deps, sent, report, 'paypro-payout', { note });
    deps.log.info('payout sent', { ...context, status: settled.payout.status, code: report.status });
    return { kind: 'known', payout: settled.payout };
  } catch (error) {
    deps.log.error('payout sent but its answer could not be recorded; the reconciler will settle it', {
      ...context,
      code: report.status,
      error,
    });
    return { kind: 'unknown', payout: sent };
  }
}

async function noteUnknown(
  deps: SendDeps,
  payout: Payout,
  error: PayproUnknownOutcomeError,
): Promise<Payout> {
  const at = deps.now().toISOString();
  const entry = { at, source: 'paypro-payout' as const, note: `outcome unknown: ${error.message}` };
  try {
    await deps.repository.appendHistory(payout.tradeNo, entry, at);
    return { ...payout, updatedAt: at, history: [...payout.history, entry] };
  } catch (noteError) {
    deps.log.error('could not note the unknown outcome', { tradeNo: payout.tradeNo, error: noteError });
    return payout;
  }
}
