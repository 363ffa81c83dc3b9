// @ts-check
// "Verify and resend" under Needs attention: which payouts it is offered for, what the bulk
// confirmation says, and how each reply of POST /admin/payouts/{tradeNo}/resend reads. Kept apart
// from the views (which touch the page) so what an operator reads can be tested without a browser.
import { count, kes } from './format.js';

const FINAL = ['SUCCEEDED', 'FAILED'];

/** Offered for a flagged payout still PENDING: the only kind the route may send again. */
export function canResend(payout) {
  return payout.status === 'PENDING' && Boolean(payout.flaggedAt);
}

/** The payouts of a list that can be resent, with how many there are and what they pay in all. */
export function resendable(payouts) {
  const list = payouts.filter(canResend);
  return { payouts: list, count: list.length, amount: list.reduce((sum, p) => sum + p.amount, 0) };
}

/** What the operator confirms before resending them all: the count and the amount, and what happens. */
export function bulkQuestion(selection) {
  const what = selection.count === 1 ? '1 flagged payout' : `${count(selection.count)} flagged payouts`;
  return (
    `Verify with Paypro and resend ${what}, ${kes(selection.amount)} in all? Each is sent again, with its ` +
    "own tradeNo, only if Paypro's query does not know it; your reason goes into each one's history."
  );
}

/**
 * How one reply to a resend reads: `resent` (200, or 202 when Paypro has not answered yet),
 * `known` (Paypro's query knows it), `final` (already SUCCEEDED or FAILED), or `failed`.
 * @returns {import('./resend').ResendOutcome}
 */
export function resendOutcome(reply) {
  const data = reply.data && typeof reply.data === 'object' ? reply.data : {};
  if (reply.status === 200 || reply.status === 202) {
    const waiting = reply.status === 202 ? '; Paypro has not answered yet' : '';
    return { kind: 'resent', text: `resent: now ${data.status ?? 'PENDING'}${waiting}` };
  }
  if (reply.status === 409 && data.paypro) {
    return { kind: 'known', text: `Paypro knows it (${data.paypro}): not sent` };
  }
  if (reply.status === 409 && FINAL.includes(data.payoutStatus)) {
    return { kind: 'final', text: `already ${data.payoutStatus}: not sent` };
  }
  const why = data.detail ?? data.message ?? `HTTP ${reply.status}`;
  return { kind: 'failed', text: `not resent: ${why}` };
}

/**
 * Resends `payouts` one after another (never at once: each asks Paypro first) with one reason;
 * `post(tradeNo, body)` makes the call and `onEach` hears each outcome as it comes.
 * @param {import('./resend').ResendCandidate[]} payouts
 * @param {string} reason
 * @param {(tradeNo: string, body: { reason: string }) => Promise<import('./resend').ConsoleReply>} post
 * @param {(outcome: import('./resend').ResendOutcome & { tradeNo: string }) => void} [onEach]
 */
export async function resendAll(payouts, reason, post, onEach = () => undefined) {
  const outcomes = [];
  for (const payout of payouts) {
    const outcome = { tradeNo: payout.tradeNo, ...resendOutcome(await post(payout.tradeNo, { reason })) };
    outcomes.push(outcome);
    onEach(outcome);
  }
  return outcomes;
}

/** The outcomes of a bulk resend counted in one line: resent, Paypro knows it, final, failed. */
export function outcomeSummary(outcomes) {
  const of = (kind) => outcomes.filter((o) => o.kind === kind).length;
  return `${of('resent')} resent, ${of('known')} known to Paypro, ${of('final')} already final, ${of('failed')} failed`;
}
