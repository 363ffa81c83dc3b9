import { type Hold, type SendDeps, sendOnce } from '../payouts/send';
import type { PayproSecret } from '../paypro/secret';
import { type BatchSendQueue, MAX_DELAY_SECONDS } from './queue';

/** What sending a queued batch item needs: the same as sending any payout, and its queue. */
export interface SendItemDeps extends SendDeps {
  secret: () => Promise<PayproSecret>;
  /** The batch-sends queue: an item the breaker holds goes back on it, delayed. */
  sends: BatchSendQueue;
  /** PAYPRO_PROBE_S: a held item comes back after about this long (jittered by half either way). */
  holdDelayS: number;
  /** Math.random unless a test fixes it. */
  random?: () => number;
}

/**
 * `sent`: this call sent it (answer known or not); `skipped`: already sent, or no longer pending;
 * `held`: the breaker held it, and it was queued again, delayed.
 */
export type SendItemOutcome = 'sent' | 'skipped' | 'held';

/**
 * Sends one recorded batch item through the same send-once path as `POST /payouts`: the
 * conditional `sentAt` claim makes a redelivered message, or a message racing the
 * reconciler, send nothing. While the breaker holds sends, the item is queued again with a
 * delay and this message is done with (see `requeueHeld`). Throws when the store cannot be read
 * or a held item cannot be queued again: the message then comes back.
 */
export async function sendQueuedItem(deps: SendItemDeps, tradeNo: string): Promise<SendItemOutcome> {
  const payout = await deps.repository.get(tradeNo);
  if (!payout) {
    // Queued only after its record was written: a missing one was never ours to send.
    deps.log.error('queued batch item has no payout record; not sent', { tradeNo });
    return 'skipped';
  }
  if (payout.status !== 'PENDING' || payout.sentAt !== undefined) return 'skipped';
  const sent = await sendOnce(deps, payout, await deps.secret());
  if (sent.kind === 'held') {
    await requeueHeld(deps, tradeNo, sent);
    return 'held';
  }
  if (sent.kind === 'not-sent') return 'skipped';
  deps.counter.count('BatchItemSent');
  return 'sent';
}

/**
 * Holds an item by sending its message again with a delay; the message received is then reported
 * done and deleted. Not by visibility alone: SQS counts every receive, a visibility change does not
 * reset the count, and a held item would reach the dead-letter queue after maxReceiveCount holds.
 * The new message starts at 0 receives, so an item may be held for as long as the outage lasts.
 * The delay is jittered around PAYPRO_PROBE_S, so held items come back spread out, not all at once
 * when Paypro is back (and the ramp admits only a share of them at first).
 */
async function requeueHeld(deps: SendItemDeps, tradeNo: string, hold: Pick<Hold, 'reason' | 'since'>) {
  const delaySeconds = holdDelaySeconds(deps.holdDelayS, deps.random);
  // A refusal throws: the received message then comes back after its visibility timeout. That
  // costs one of its receives, and only a queue refusing us maxReceiveCount times in a row would
  // dead-letter it; even then the payout is recorded and never sent, so the reconciler sends it.
  await deps.sends.enqueue([tradeNo], { delaySeconds });
  deps.log.info('batch item held while Paypro is unavailable; queued again', {
    tradeNo,
    reason: hold.reason,
    since: hold.since,
    delaySeconds,
  });
}

/** How long a held item waits before it comes back: `aroundS` seconds, half of it either way. */
export function holdDelaySeconds(aroundS: number, random: () => number = Math.random): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.round(aroundS * (0.5 + random()))));
}
