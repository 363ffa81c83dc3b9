import { describe, expect, it } from 'vitest';
import { PayproUnknownOutcomeError } from '../../../../lib/errors';
import {
  backoffMs,
  RATE_LIMIT_BUDGET_MS,
  RATE_LIMIT_RETRIES,
  withRateLimitBackoff,
} from '../../../../lib/paypro/rate-limit';
import { countingCounter, manualClock } from '../../../support/fakes/observability';
import { TOO_MANY_REQUESTS } from '../../../support/fakes/paypro';

const rateLimited = () =>
  new PayproUnknownOutcomeError('Paypro answered /api/payout with HTTP 429 too many requests.', {
    failure: TOO_MANY_REQUESTS,
  });

/** Deps whose waits pass on a manual clock at once, and the waits taken. */
function backoffWorld(random = () => 0.5) {
  const clock = manualClock('2026-11-24T07:00:00.000Z');
  const counter = countingCounter();
  const waits: number[] = [];
  const deps = {
    counter,
    now: clock.now,
    random,
    sleep: async (ms: number) => {
      waits.push(ms);
      clock.advance(ms);
    },
  };
  return { deps, clock, counter, waits };
}

describe('withRateLimitBackoff', () => {
  it('returns the first answer without waiting when Paypro is not rate limiting', async () => {
    // Prepare
    const { deps, waits } = backoffWorld();

    // Act
    const answer = await withRateLimitBackoff(deps, async () => 'taken');

    // Assess
    expect(answer).toBe('taken');
    expect(waits).toEqual([]);
  });

  it(`tries ${RATE_LIMIT_RETRIES} more times at most, then gives the rate-limited failure back as it came`, async () => {
    // Prepare
    const { deps, waits, counter } = backoffWorld();
    let calls = 0;

    // Act
    const error = await withRateLimitBackoff(deps, async () => {
      calls += 1;
      throw rateLimited();
    }).catch((e: unknown) => e);

    // Assess
    expect(calls).toBe(1 + RATE_LIMIT_RETRIES);
    expect(waits).toEqual([375, 750]);
    expect((error as PayproUnknownOutcomeError).failure).toEqual(TOO_MANY_REQUESTS);
    expect(counter.counts.PayproRateLimited).toBe(1 + RATE_LIMIT_RETRIES);
  });

  it(`starts no retry past ${RATE_LIMIT_BUDGET_MS} ms after the first attempt, so the call fits its function's timeout`, async () => {
    // Prepare: each 429 takes 2 s to come back.
    const { deps, clock, waits } = backoffWorld();
    let calls = 0;

    // Act
    await withRateLimitBackoff(deps, async () => {
      calls += 1;
      clock.advance(2_000);
      throw rateLimited();
    }).catch(() => undefined);

    // Assess: the retry after 2 s starts within the budget; the next would start after it.
    expect(calls).toBe(2);
    expect(waits).toEqual([375]);
  });

  it('never retries a failure that is not a rate limit: an outage or an ambiguous send goes back at once', async () => {
    // Prepare
    const { deps, waits } = backoffWorld();
    let calls = 0;
    const timeout = new PayproUnknownOutcomeError('Paypro did not answer /api/payout within 5000 ms.', {
      failure: { class: 'ambiguous', unavailable: true, rateLimited: false, detail: 'no answer in time' },
    });

    // Act
    const error = await withRateLimitBackoff(deps, async () => {
      calls += 1;
      throw timeout;
    }).catch((e: unknown) => e);

    // Assess
    expect(error).toBe(timeout);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });
});

describe('backoffMs', () => {
  it.each([
    { retry: 0, nth: 'first', low: 250, high: 500 },
    { retry: 1, nth: 'second', low: 500, high: 1000 },
    { retry: 2, nth: 'third', low: 1000, high: 2000 },
  ])(
    'waits between $low and $high ms before the $nth retry, spread by the jitter',
    ({ retry, low, high }) => {
      // Act and Assess
      expect(backoffMs(retry, () => 0)).toBe(low);
      expect(backoffMs(retry, () => 0.999_999)).toBe(high);
    },
  );
});
