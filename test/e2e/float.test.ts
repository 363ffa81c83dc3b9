import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStack, runNpmStart, START_HOOK_TIMEOUT_MS } from '../support/local-stack-process';
import { until } from '../support/wait';

/*
 * Issue 17's "done when", as a person would try it: npm start with SANDBOX_BALANCE below a batch's
 * total; the batch waits with nothing sent, goes on by itself after a top-up, and the operator's
 * balance and receipt routes answer.
 */

const ADMIN_KEY = 'e2e-float-admin-key';
let stack: RunningStack;
let sandboxUrl: string;

beforeAll(async () => {
  stack = await runNpmStart({ SANDBOX_BALANCE: '5000', LOCAL_ADMIN_KEY: ADMIN_KEY, FLOAT_RECHECK_S: '2' });
  const match = /Paypro:\s+(http:\/\/127\.0\.0\.1:\d+) \(local sandbox\)/.exec(stack.output());
  if (!match?.[1]) throw new Error(`no sandbox URL in npm start's banner:\n${stack.output()}`);
  sandboxUrl = match[1];
}, START_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await stack?.stop();
});

type Json = Record<string, unknown>;

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}
const app = (method: string, path: string, body?: unknown) =>
  call(method, path, { 'x-api-key': stack.apiKey }, body);
const admin = (path: string) => call('GET', path, { 'x-admin-key': ADMIN_KEY });

async function sandbox(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${sandboxUrl}${path}`, {
    method,
    ...(body !== undefined && {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  });
  return (await response.json()) as Json;
}

describe('npm start with SANDBOX_BALANCE below a batch total', () => {
  it('holds the batch in AWAITING_FUNDS with nothing sent, completes it after a top-up, and answers the operator routes', async () => {
    // Prepare: three items of 2,000 KES against a float of 5,000.
    const run = Date.now().toString(36);
    const batchId = `e2e-float-${run}`;
    const items = [0, 1, 2].map((i) => ({
      tradeNo: `e2e-float-${run}-${i}`,
      amount: 2000,
      mobile: '0712345678',
    }));

    // Act
    const accepted = await app('POST', '/payout-batches', { batchId, items });
    const waiting = await until(
      async () => (await app('GET', `/payout-batches/${batchId}`)).body,
      (batch) => batch.status === 'AWAITING_FUNDS',
      60_000,
      500,
    );
    const callsWhileWaiting = await sandbox('GET', '/sandbox/calls');
    const floatWhileWaiting = await sandbox('GET', '/sandbox/balance');
    const itemWhileWaiting = await app('GET', `/payouts/${items[0]?.tradeNo}`);
    const balance = await admin('/admin/balance');
    const withAppKey = await call('GET', '/admin/balance', { 'x-api-key': stack.apiKey });

    // Assess: waiting, nothing recorded or sent, the reason in figures.
    expect(accepted.status).toBe(202);
    expect(waiting.funds).toMatchObject({ available: 5000, needed: 6000 });
    expect(callsWhileWaiting.payoutCalls).toBe(0);
    expect(floatWhileWaiting).toEqual({ available: 5000, frozen: 0, unsettled: 0 });
    expect(itemWhileWaiting.status).toBe(404);
    expect(balance.status).toBe(200);
    expect(balance.body.paypro).toMatchObject({ available: 5000, frozen: 0, unsettled: 0 });
    expect(balance.body.inFlight).toMatchObject({ amount: 0 });
    expect(withAppKey.status).toBe(403);

    // Act: the merchant tops the float up; the batch goes on by itself.
    await sandbox('POST', '/sandbox/balance', { available: 100_000 });
    const completed = await until(
      async () => (await app('GET', `/payout-batches/${batchId}`)).body,
      (batch) => batch.status === 'COMPLETED',
      90_000,
      500,
    );
    const callsAfter = await sandbox('GET', '/sandbox/calls');
    const floatAfter = await sandbox('GET', '/sandbox/balance');

    // Assess: exactly one send per item, and the float debited by the batch's total.
    expect(completed.counts).toMatchObject({ SUCCEEDED: 3 });
    expect(callsAfter).toMatchObject({ payoutCalls: 3, tradeNos: 3, repeated: 0, accepted: 3 });
    expect(floatAfter).toEqual({ available: 94_000, frozen: 0, unsettled: 0 });

    // Act: a recipient quotes the M-Pesa code of their payment.
    const tradeNo = items[1]?.tradeNo ?? '';
    const { code } = (await sandbox('GET', `/sandbox/receipts/${tradeNo}`)) as { code: string };
    const found = await until(
      () => admin(`/admin/mpesa-receipts/${code.toLowerCase()}`),
      (reply) => reply.status === 200 && reply.body.payout !== null,
      30_000,
      500,
    );
    const unknown = await admin('/admin/mpesa-receipts/ZZZZZZZZZ9');
    const malformed = await admin('/admin/mpesa-receipts/not-a-code');

    // Assess
    expect(found.body).toMatchObject({
      code,
      paypro: {
        amount: expect.stringMatching(/^2000(\.0+)?$/),
        outcome: 'SUCCEEDED',
        mpesaReceiptNumber: code,
      },
      payout: { tradeNo, amount: 2000, status: 'SUCCEEDED' },
    });
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ errors: [expect.objectContaining({ field: 'code' })] });
  }, 240_000);
});
