/*
 * The one retry schedule of webhook delivery. A failed attempt hides its message for the next
 * delay (ChangeMessageVisibility); the attempt number is the message's ApproximateReceiveCount.
 * SQS caps a message's visibility at 12 h from its receipt, and the attempt itself has already
 * used some of that, so no delay comes near the cap.
 */

/** Seconds to wait after failed attempt n (index n-1): 25 h 42 min 30 s in all, then the dead-letter queue. */
export const WEBHOOK_RETRY_SCHEDULE_S: readonly number[] = [
  30,
  2 * 60,
  10 * 60,
  30 * 60,
  60 * 60,
  2 * 60 * 60,
  4 * 60 * 60,
  8 * 60 * 60,
  // Not another 8 h: the eight delays before sum to 15 h 42 min 30 s, and the total must reach 24 h.
  10 * 60 * 60,
];

/**
 * Attempts per message: the first and one per delay. The webhooks queue's redrive policy must
 * use this as maxReceiveCount, so SQS moves a message to the dead-letter queue only after the
 * last attempt (deliver-webhooks dead-letters it itself then; redrive is the backstop).
 */
export const WEBHOOK_MAX_RECEIVES = WEBHOOK_RETRY_SCHEDULE_S.length + 1;

/** Milliseconds to hide a message after failed attempt `attempt` (1-based); `scale` shortens them locally. */
export function retryDelayMs(attempt: number, scale = 1): number {
  const index = Math.min(Math.max(attempt, 1), WEBHOOK_RETRY_SCHEDULE_S.length) - 1;
  return Math.round((WEBHOOK_RETRY_SCHEDULE_S[index] ?? 0) * 1000 * scale);
}
