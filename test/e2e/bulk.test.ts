import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { type RunningStack, runNpmStart, START_HOOK_TIMEOUT_MS } from '../support/local-stack-process';
import { until } from '../support/wait';

let stack: RunningStack;
let sandboxUrl: string;

beforeAll(async () => {
  // More sends at once than batchSendConcurrency's default, as a merchant paying 10,000 would set.
  stack = await runNpmStart({ LOCAL_BATCH_SEND_CONCURRENCY: '6' });
  const match = /Paypro:\s+(http:\/\/127\.0\.0\.1:\d+) \(local sandbox\)/.exec(stack.output());
  if (!match?.[1]) throw new Error(`no sandbox URL in npm start's banner:\n${stack.output()}`);
  sandboxUrl = match[1];
}, START_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await stack?.stop();
});

async function call(method: string, path: string, body?: string | object) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a 10,000-item payroll through npm start', () => {
  it(
    'is answered 202 at once, never blocks other requests, and completes with exactly one Paypro call per item',
    async () => {
      // Prepare: 10,000 lines to the sandbox mobile Paypro pays at once without calling back: sending alone.
      const run = Date.now().toString(36);
      const batchId = `e2e-payroll-${run}`;
      const items = Array.from({ length: 10_000 }, (_, i) => ({
        tradeNo: `e2e-${run}-${i}`,
        amount: 100 + (i % 50),
        mobile: SANDBOX_MOBILES.succeedsQuietly,
      }));
      // Act
      const accepted = await call('POST', '/payout-batches', JSON.stringify({ batchId, items }));
      // While it records and sends: a single payout and a small batch are answered as usual.
      const single = await call('POST', '/payouts', {
        tradeNo: `e2e-${run}-alone`,
        amount: 100,
        mobile: '0712345678',
      });
      const small = await call('POST', '/payout-batches', {
        batchId: `${batchId}-small`,
        items: [
          { tradeNo: `e2e-${run}-s0`, amount: 100, mobile: '0712345678' },
          { tradeNo: `e2e-${run}-s1`, amount: 100, mobile: '0712345679' },
        ],
      });
      const during = (await call('GET', `/payout-batches/${batchId}?limit=1`)).body.status;
      // Each GET counts all 10,000 items: wait on the operator's list (headers alone), then GET once.
      const completed = () =>
        until(
          async () => {
            const response = await fetch(`${stack.apiUrl}/admin/payout-batches?status=COMPLETED`, {
              headers: { 'x-admin-key': 'local-admin-key' },
            });
            const page = (await response.json()) as { batches?: Array<{ batchId: string }> };
            return (page.batches ?? []).map((batch) => batch.batchId);
          },
          (ids) => ids.includes(batchId) && ids.includes(`${batchId}-small`),
          25 * 60_000,
          5_000,
        );
      await completed();
      const done = (await call('GET', `/payout-batches/${batchId}?limit=1`)).body;
      const calls = (await (await fetch(`${sandboxUrl}/sandbox/calls`)).json()) as Record<string, unknown>;
      // Assess
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ batchId, status: 'RECEIVED', itemCount: 10_000 });
      expect(single.status).toBe(201);
      expect(small.status).toBe(202);
      expect(['RECEIVED', 'RECORDING', 'SENDING']).toContain(during);
      expect(done).toMatchObject({
        status: 'COMPLETED',
        counts: { PENDING: 0, PROCESSING: 0, SUCCEEDED: 10_000, FAILED: 0, REJECTED: 0, CANCELLED: 0 },
      });
      // 10,000 items, the two of the small batch and the single payout: each sent once.
      expect(calls).toMatchObject({ payoutCalls: 10_003, tradeNos: 10_003, repeated: 0, accepted: 10_003 });
    },
    30 * 60_000,
  );
});
