import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStack, runNpmStart } from '../support/local-stack-process';

let stack: RunningStack;

beforeAll(async () => {
  // A fast reconciler so a silent payout settles within the test.
  // Min age 4 s: the callback (sent 2 s after creation) gets there before the reconciler looks.
  stack = await runNpmStart({ RECONCILE_INTERVAL_S: '2', RECONCILE_MIN_AGE_S: '4' });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey, ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const reply = (await response.json()) as Record<string, unknown>;
  return { status: response.status, contentType: response.headers.get('content-type'), body: reply };
}

describe('npm start: the API over HTTP', () => {
  it('creates, replays, refuses a conflict, and reads a payout through API Gateway emulation', async () => {
    // Prepare
    const tradeNo = `e2e-${Date.now()}`;
    // The sandbox keeps this number processing, so no callback changes it between the calls.
    const request = { amount: 120, mobile: '+254 700 000 015', tradeNo, remark: 'e2e' };
    // Act
    const created = await call('POST', '/payouts', request);
    const replayed = await call('POST', '/payouts', request);
    const conflict = await call('POST', '/payouts', { ...request, amount: 121 });
    const read = await call('GET', `/payouts/${tradeNo}`);
    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tradeNo,
      status: 'PROCESSING',
      amount: 120,
      mobile: '2547****0015',
      remark: 'e2e',
      paypro: { code: '0015', message: 'CREDIT_INPROGRESS' },
    });
    // serverless-offline appends `; charset=utf-8` to the type the handler set.
    const json = expect.stringMatching(/^application\/json\b/);
    expect(replayed).toEqual({ status: 200, contentType: json, body: created.body });
    expect(conflict.status).toBe(409);
    expect(conflict.contentType).toMatch(/^application\/problem\+json\b/);
    expect(read).toEqual({ status: 200, contentType: json, body: created.body });
  });

  it('needs the API key for /payouts', async () => {
    const response = await fetch(`${stack.apiUrl}/payouts/anything`);
    expect(response.status).toBe(403);
  });

  it('answers 400 naming the fields, and 404 for an unknown payout', async () => {
    const bad = await call('POST', '/payouts', { amount: '12.5', mobile: '12345' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      {
        field: 'amount',
        message: 'must be a whole number of shillings, as an integer or a string of digits',
      },
      {
        field: 'mobile',
        message:
          'must be a Kenyan mobile number such as 0712345678 or +254712345678 (2547… or 2541…, 12 digits)',
      },
    ]);
    const missing = await call('GET', '/payouts/never-created');
    expect(missing.status).toBe(404);
  });
});

async function until(tradeNo: string, status: string, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const read = await call('GET', `/payouts/${tradeNo}`);
    if (read.body.status === status || Date.now() > end) return read.body;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start: payouts reach their final state', () => {
  it('goes PENDING -> PROCESSING -> SUCCEEDED by the sandbox callback, verified by query', async () => {
    const tradeNo = `e2e-cb-${Date.now()}`;

    const created = await call('POST', '/payouts', { amount: 130, mobile: '0712345678', tradeNo });
    const settled = await until(tradeNo, 'SUCCEEDED');

    expect(created.body.status).toBe('PROCESSING');
    expect(settled.status).toBe('SUCCEEDED');
    const history = settled.history as Array<Record<string, unknown>>;
    expect(history.map((h) => [h.source, h.status])).toEqual([
      ['api', 'PENDING'],
      ['paypro-payout', 'PROCESSING'],
      ['query', 'SUCCEEDED'],
    ]);
    expect(history.at(-1)?.note).toBe('callback said 0000; applied Paypro query');
  });

  it('settles a payout whose callback never comes through the scheduled reconciler', async () => {
    const tradeNo = `e2e-rc-${Date.now()}`;

    await call('POST', '/payouts', { amount: 140, mobile: '0700000404', tradeNo });
    const settled = await until(tradeNo, 'SUCCEEDED');

    expect(settled.status).toBe('SUCCEEDED');
    const history = settled.history as Array<Record<string, unknown>>;
    expect(history.at(-1)).toMatchObject({
      source: 'query',
      status: 'SUCCEEDED',
      note: 'reconciler asked Paypro',
    });
  });
});
