import { PayproUnknownOutcomeError } from '../errors';
import type { Counter } from '../shared/metrics';

/*
 * Paypro answering HTTP 429 or a "too many requests" refusal asks us to slow down. Such a request
 * was not taken in (lib/paypro/transport.ts), so the very same request (same tradeNo) may go again:
 * the caller waits a jittered, growing back-off and tries again, a few times within the one call.
 * Then the failure goes back to the caller as it came (not taken in: the payout stays PENDING, never
 * FAILED for it), and the breaker, told of it, slows every sender if it lasts.
 */

/** Retries after the first rate-limited answer, at most. */
export const RATE_LIMIT_RETRIES = 2;
/** The first back-off; each next one doubles. */
export const RATE_LIMIT_BACKOFF_MS = 500;
/**
 * No retry starts later than this after the first attempt, so a call with its retries stays
 * within its function's timeout: at worst this plus one PAYPRO_TIMEOUT_MS (send-batch-items adds
 * it to its per-record margin).
 */
export const RATE_LIMIT_BUDGET_MS = 3_000;

/** What backing off needs: the clock and a way to wait (a test's waits at once), and randomness. */
export interface BackoffDeps {
  counter: Counter;
  now: () => Date;
  /** Waits `ms` (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Math.random unless a test fixes it. */
  random?: () => number;
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait before retry `retry` (0-based): half of the doubled back-off fixed, half random ("equal jitter"). */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  const ceiling = RATE_LIMIT_BACKOFF_MS * 2 ** retry;
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Runs `call`; when Paypro says it is rate limited (PayproUnknownOutcomeError whose failure is
 * `rateLimited`), counts PayproRateLimited, waits a jittered back-off and runs it again, at most
 * RATE_LIMIT_RETRIES times and only while within RATE_LIMIT_BUDGET_MS; then rethrows the last error.
 */
export async function withRateLimitBackoff<T>(deps: BackoffDeps, call: () => Promise<T>): Promise<T> {
  const started = deps.now().getTime();
  for (let retry = 0; ; retry += 1) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof PayproUnknownOutcomeError) || !error.failure.rateLimited) throw error;
      deps.counter.count('PayproRateLimited');
      const wait = backoffMs(retry, deps.random);
      const elapsed = deps.now().getTime() - started;
      if (retry >= RATE_LIMIT_RETRIES || elapsed + wait > RATE_LIMIT_BUDGET_MS) throw error;
      await (deps.sleep ?? timer)(wait);
    }
  }
}
