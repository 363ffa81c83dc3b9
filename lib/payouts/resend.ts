import type { PayoutRecord, RequestRejected } from '../paypro/client';
import type { PayproSecret } from '../paypro/secret';
import { flagged } from './events';
import type { HistoryEntry, Payout } from './payout';
import { type SendDeps, sendOnce } from './send';
import type { ResendStore } from './store';

/*
 * The resend rule (docs/payouts.md, "When Paypro fails"): what the reconciler does with a payout
 * that was sent (`sentAt`) and that Paypro's query does not know. The first such answer is noted
 * (`unknownSince`); only a second one at least RESEND_AFTER_S later decides:
 * - the send was not taken in (sendFailure.class): sent again with the same tradeNo, at most
 *   MAX_RESENDS times and only while the breaker admits money calls. Paypro refuses a tradeNo it
 *   already has, so a copy of a payout it did take in is refused, never paid twice;
 * - the send was ambiguous, or nothing was recorded of it: never sent again by itself, but flagged
 *   once for a person, who may resend it after checking (lib/admin/resend-payout.ts);
 * - MAX_RESENDS reached: flagged too.
 * The release for a send again is one conditional write (ResendStore.release), and sendOnce's
 * conditional claim of `sentAt` still makes sure that only one caller sends.
 */

/** What the resend rule needs. */
export interface ResendDeps extends SendDeps {
  /** The rule's conditional writes on the payouts table. */
  resends: ResendStore;
  /** RESEND_AFTER_S, in ms: how far apart the two "unknown" answers must be. */
  resendAfterMs: number;
  /** MAX_RESENDS: the most times the reconciler sends one payout again. */
  maxResends: number;
  /** RECONCILE_MIN_AGE_S, in ms: how soon a resend the breaker held is looked at again. */
  reconcileMinAgeMs: number;
}

/**
 * What the rule did: `noted` the first unknown answer, is `waiting` for RESEND_AFTER_S, `held` it
 * (the breaker does not admit), `resent` it, `flagged` it, or left it `unchanged` (already
 * flagged, or a write lost to another writer: the next check decides again).
 */
export type ResendOutcome = 'noted' | 'waiting' | 'held' | 'resent' | 'flagged' | 'unchanged';

/** Paypro's answer to the query in words, for histories, logs and replies: its code or status, and message. */
export function wordsOf(answer: PayoutRecord | RequestRejected): string {
  const words = `${answer.kind === 'rejected' ? answer.code : answer.status}${answer.message ? ` ${answer.message}` : ''}`;
  return answer.kind === 'rejected' ? words : `${words}, amount ${answer.amount}`;
}

const after = (from: Date | string, ms: number): string =>
  new Date((typeof from === 'string' ? Date.parse(from) : from.getTime()) + ms).toISOString();

/**
 * Applies the resend rule to `payout`, which was sent and which Paypro's query just said (`said`)
 * it does not know: the payout as it is afterwards, and what was done.
 */
export async function unknownAfterSend(
  deps: ResendDeps,
  secret: PayproSecret,
  payout: Payout & { sentAt: string },
  said: RequestRejected,
): Promise<{ payout: Payout; outcome: ResendOutcome }> {
  const now = deps.now();
  const at = now.toISOString();
  const { tradeNo, sentAt, unknownSince } = payout;
  // Not `message`: the logger keeps that key for itself and would drop Paypro's words.
  const context = { tradeNo, sentAt, code: said.code, payproMessage: said.message };
  if (unknownSince === undefined) {
    // The first answer: look again once RESEND_AFTER_S has passed, not at the age's slow back-off.
    const noted = await deps.resends.markUnknown(tradeNo, sentAt, at, after(now, deps.resendAfterMs));
    deps.log.info('Paypro does not know a payout that was sent; asking again after RESEND_AFTER_S', context);
    return {
      payout: noted ? { ...payout, unknownSince: at } : payout,
      outcome: noted ? 'noted' : 'unchanged',
    };
  }
  if (now.getTime() - Date.parse(unknownSince) < deps.resendAfterMs) {
    await deps.resends.recheckAt(tradeNo, sentAt, after(unknownSince, deps.resendAfterMs));
    return { payout, outcome: 'waiting' };
  }

  const unknownFor = `Paypro's query has not known it since ${unknownSince} (${wordsOf(said)}), although it was sent at ${sentAt}`;
  // Only a PENDING payout can have a send Paypro did not take in: PROCESSING means it accepted one.
  const failure = payout.status === 'PENDING' ? payout.sendFailure : undefined;
  if (failure?.class !== 'not-taken-in') {
    const why = failure
      ? `its send may have reached Paypro (${failure.detail})`
      : 'nothing recorded shows that its send never reached Paypro';
    return flagOnce(deps, payout, `${unknownFor}; ${why}`);
  }
  const resends = payout.resends ?? 0;
  if (resends >= deps.maxResends) {
    return flagOnce(
      deps,
      payout,
      `${unknownFor}; sent again ${resends} times already (MAX_RESENDS ${deps.maxResends}), the last not taken in (${failure.detail})`,
    );
  }
  const admission = await deps.breaker.admit();
  if (!admission.ok) {
    // Paypro is down, or just back and this send waits its turn on the ramp: look again soon.
    await deps.resends.recheckAt(tradeNo, sentAt, after(now, deps.reconcileMinAgeMs));
    deps.log.info('send again held: the breaker does not admit money calls now', {
      ...context,
      reason: admission.reason,
      since: admission.since,
    });
    return { payout, outcome: 'held' };
  }

  const entry: HistoryEntry = {
    at,
    source: 'reconciler',
    note:
      `sent again with the same tradeNo (${resends + 1} of at most ${deps.maxResends}): its send at ${sentAt} ` +
      `was not taken in (${failure.detail}), and Paypro's query did not know it at ${unknownSince} nor at ${at} (${wordsOf(said)})`,
  };
  const released = await deps.resends.release(tradeNo, {
    sentAt,
    unknownSince,
    maxResends: deps.maxResends,
    at,
    entry,
    checkAfter: after(now, deps.resendAfterMs),
  });
  if (!released) return { payout, outcome: 'unchanged' };
  deps.counter.count('PayoutResent');
  deps.log.warn('sending again a payout Paypro did not take in, with the same tradeNo', {
    ...context,
    resend: resends + 1,
    failure: failure.detail,
  });
  const sent = await sendOnce(deps, released, secret);
  return { payout: sent.payout, outcome: 'resent' };
}

/** Flags `payout` for a person with what is known, once: a payout already flagged is left as it is. */
async function flagOnce(
  deps: ResendDeps,
  payout: Payout,
  known: string,
): Promise<{ payout: Payout; outcome: ResendOutcome }> {
  if (payout.flaggedAt !== undefined) return { payout, outcome: 'unchanged' };
  const at = deps.now().toISOString();
  const entry: HistoryEntry = {
    at,
    source: 'reconciler',
    note:
      `${known}. Never sent again by itself: check with Paypro, then resend it ` +
      '(POST /admin/payouts/{tradeNo}/resend) or resolve it (docs/operator-guide.md, "Flagged payouts")',
  };
  if (!(await deps.repository.flag(payout.tradeNo, entry, flagged(payout, at)))) {
    return { payout, outcome: 'unchanged' };
  }
  deps.counter.count('PayoutFlaggedUnknown');
  deps.log.error('a sent payout Paypro does not know is flagged for a person', {
    tradeNo: payout.tradeNo,
    sentAt: payout.sentAt,
    unknownSince: payout.unknownSince,
    sendFailure: payout.sendFailure?.class ?? 'none recorded',
  });
  const version = (payout.version ?? 0) + 1;
  return {
    payout: { ...payout, flaggedAt: at, updatedAt: at, version, history: [...payout.history, entry] },
    outcome: 'flagged',
  };
}
