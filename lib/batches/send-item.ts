import { type SendDeps, sendOnce } from '../payouts/send';
import type { PayproSecret } from '../paypro/secret';

/** What sending a queued batch item needs: the same as sending any payout. */
export interface SendItemDeps extends SendDeps {
  secret: () => Promise<PayproSecret>;
}

/** `sent`: this call sent it (answer known or not); `skipped`: already sent, or no longer pending. */
export type SendItemOutcome = 'sent' | 'skipped';

/**
 * Sends one recorded batch item through the same send-once path as `POST /payouts`: the
 * conditional `sentAt` claim makes a redelivered message, or a message racing the
 * reconciler, send nothing. Throws only when the store cannot be read (the message comes back).
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
  if (sent.kind === 'not-sent') return 'skipped';
  deps.counter.count('BatchItemSent');
  return 'sent';
}
