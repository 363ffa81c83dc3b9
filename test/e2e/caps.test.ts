import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kenyaDate } from '../../lib/shared/kenya-time';
import { type RunningStack, runNpmStart, START_HOOK_TIMEOUT_MS } from '../support/local-stack-process';

let stack: RunningStack;

beforeAll(async () => {
  // What docs/payouts.md ("Caps") tells an operator to try: a day capped at ten payouts.
  stack = await runNpmStart({ DAILY_MAX_COUNT: '10' });
}, START_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await stack?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('npm start with DAILY_MAX_COUNT=10', () => {
  it('refuses the 11th payout of the day with a 422 naming the cap, and records nothing for it', async () => {
    // Prepare
    const run = Date.now();
    const payout = (n: number) => ({ amount: 100, mobile: '0700000000', tradeNo: `e2e-cap-${run}-${n}` });
    const statuses: number[] = [];
    for (let n = 1; n <= 10; n += 1) statuses.push((await call('POST', '/payouts', payout(n))).status);

    // Act
    const eleventh = await call('POST', '/payouts', payout(11));
    const read = await call('GET', `/payouts/e2e-cap-${run}-11`);

    // Assess
    expect(statuses).toEqual(Array(10).fill(201));
    const day = kenyaDate(new Date());
    expect(eleventh).toEqual({
      status: 422,
      contentType: expect.stringMatching(/^application\/problem\+json\b/),
      body: {
        type: 'about:blank',
        title: 'Unprocessable Content',
        status: 422,
        detail: `The payout would exceed the daily count cap for ${day} (Kenya time): limit 10, 0 left.`,
        cap: 'dailyCount',
        limit: 10,
        remaining: 0,
        day,
      },
    });
    expect(read.status).toBe(404);
  });
});
