import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PayproSandbox, SANDBOX_MOBILES, startPayproSandbox } from '../../../infra/local/paypro-sandbox';
import { PayproUnknownOutcomeError } from '../../../lib/errors';
import { PayproClient } from '../../../lib/paypro/client';
import type { TransportFailure } from '../../../lib/paypro/transport';
import { until } from '../../support/wait';

/*
 * The sandbox's outage modes over real HTTP on loopback, through the service's own PayproClient:
 * each mode must give the failure class the service relies on (lib/paypro/transport.ts), record
 * nothing, end by itself, and leave the sandbox answering as before.
 */

const CREDENTIALS = { merchantNo: '0000000001', appSecret: 'sandbox-outage-secret' };
const CLIENT_TIMEOUT_MS = 500;
type Json = Record<string, unknown>;

/** A sandbox of its own per describe: a 'refuse' outage drops every connection to it. */
async function startSandbox(options: { settleMs?: number } = {}): Promise<PayproSandbox> {
  return startPayproSandbox({ ...CREDENTIALS, salt: 'prefix', ...options });
}

function clientOf(sandbox: PayproSandbox): PayproClient {
  return new PayproClient({ baseUrl: sandbox.url, timeoutMs: CLIENT_TIMEOUT_MS, salt: 'prefix' });
}

function newTradeNo(): string {
  return `O${Date.now()}${randomBytes(4).toString('hex')}`;
}

/** Pays 50 KES to the mobile the sandbox pays at once without calling back. */
function payout(client: PayproClient, tradeNo: string) {
  return client.payout(CREDENTIALS, {
    tradeNo,
    amount: 50,
    mobile: SANDBOX_MOBILES.succeedsQuietly,
    notifyUrl: 'http://127.0.0.1:9/unused',
  });
}

/** What the transport proved about a call that must fail with PayproUnknownOutcomeError. */
async function failureOf(call: Promise<unknown>): Promise<TransportFailure> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PayproUnknownOutcomeError);
  return (error as PayproUnknownOutcomeError).failure;
}

async function sandboxRoute(sandbox: PayproSandbox, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

/** Waits (bounded) until the sandbox answers again and says no outage is in effect. */
async function outageOver(sandbox: PayproSandbox): Promise<Json | undefined> {
  // Refused polls never reach the sandbox's process, so they cannot be what ends a 'refuse' outage.
  return until(
    () =>
      sandboxRoute(sandbox, 'GET', '/sandbox/outage').then(
        (r) => r.json,
        () => undefined,
      ),
    (outage) => outage?.mode === 'none',
    10_000,
    50,
  );
}

describe('the 503 outage', () => {
  let sandbox: PayproSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('answers every Paypro route with a gateway 503, records nothing, and answers again by itself', async () => {
    // Prepare
    const client = clientOf(sandbox);
    const tradeNo = newTradeNo();

    // Act
    const started = await sandboxRoute(sandbox, 'POST', '/sandbox/outage', { mode: '503', seconds: 1 });
    const sent = await failureOf(payout(client, tradeNo));
    const queried = await failureOf(client.queryPayout(CREDENTIALS, tradeNo));
    const raw = await fetch(`${sandbox.url}/api/payout`, { method: 'POST', body: '{}' });
    const rawBody = await raw.text();
    const during = await sandboxRoute(sandbox, 'GET', '/sandbox/outage');
    const over = await outageOver(sandbox);
    const after = await payout(client, tradeNo);
    const calls = await sandboxRoute(sandbox, 'GET', '/sandbox/calls');

    // Assess
    expect(started).toEqual({
      status: 200,
      json: {
        mode: '503',
        seconds: 1,
        startedAt: expect.any(String),
        endsAt: expect.any(String),
        endedAt: null,
        payoutRequests: 0,
        requests: 0,
      },
    });
    expect(sent).toMatchObject({ class: 'not-taken-in', unavailable: true, rateLimited: false });
    expect(queried).toMatchObject({ class: 'not-taken-in', unavailable: true });
    expect(raw.status).toBe(503);
    expect(raw.headers.get('content-type')).toBe('text/html');
    expect(() => JSON.parse(rawBody)).toThrow();
    expect(during.json).toMatchObject({ mode: '503', payoutRequests: 2, requests: 3 });
    expect(over).toEqual({ mode: 'none' });
    expect(after).toMatchObject({ kind: 'accepted', status: '0000' });
    // The payout sent into the outage was never recorded: accepted once, after it, on its one call.
    expect(calls.json).toMatchObject({ payoutCalls: 1, tradeNos: 1, repeated: 0, accepted: 1 });
    expect(calls.json.outages).toEqual([
      expect.objectContaining({ mode: '503', endedAt: expect.any(String), payoutRequests: 2, requests: 3 }),
    ]);
  });

  it('keeps the sandbox-only routes answering, and ends early on {"mode":"none"}', async () => {
    // Prepare
    const client = clientOf(sandbox);
    await sandbox.outage('503', 60);

    // Act
    const balance = await sandboxRoute(sandbox, 'GET', '/sandbox/balance');
    const ended = await sandboxRoute(sandbox, 'POST', '/sandbox/outage', { mode: 'none' });
    const after = await payout(client, newTradeNo());

    // Assess
    expect(balance.status).toBe(200);
    expect(ended).toEqual({ status: 200, json: { mode: 'none' } });
    expect(after).toMatchObject({ kind: 'accepted', status: '0000' });
    const last = sandbox.outages().at(-1);
    expect(last?.endedAt?.getTime()).toBeLessThan(last?.endsAt.getTime() ?? 0);
  });
});

describe('the refuse outage', () => {
  let sandbox: PayproSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('answers the request that asked, then refuses connections until it listens again by itself', async () => {
    // Prepare
    const client = clientOf(sandbox);
    const tradeNo = newTradeNo();

    // Act
    const started = await sandboxRoute(sandbox, 'POST', '/sandbox/outage', { mode: 'refuse', seconds: 1 });
    const sent = await failureOf(payout(client, tradeNo));
    const sandboxOnly = await fetch(`${sandbox.url}/sandbox/calls`).catch((error: unknown) => error);
    const over = await outageOver(sandbox);
    const after = await payout(client, tradeNo);

    // Assess
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ mode: 'refuse', seconds: 1, endedAt: null });
    expect(sent).toMatchObject({
      class: 'not-taken-in',
      unavailable: true,
      detail: 'connection failed (ECONNREFUSED)',
    });
    expect((sandboxOnly as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    expect(over).toEqual({ mode: 'none' });
    expect(after).toMatchObject({ kind: 'accepted', status: '0000' });
    expect(sandbox.payoutCalls(tradeNo)).toBe(1);
    expect(sandbox.outages()).toEqual([
      expect.objectContaining({ mode: 'refuse', payoutRequests: 0, requests: 0, endedAt: expect.any(Date) }),
    ]);
  });

  it('closes promptly during a refuse outage and does not listen again', async () => {
    // Prepare
    const own = await startSandbox();
    await own.outage('refuse', 1);

    // Act
    await own.close();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const afterEnd = await fetch(`${own.url}/sandbox/outage`).catch((error: unknown) => error);

    // Assess
    expect((afterEnd as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});

describe('the hang outage', () => {
  let sandbox: PayproSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('reads the request and never answers, so the client times out; the held socket goes at the end', async () => {
    // Prepare
    const client = clientOf(sandbox);
    const timedOut = newTradeNo();
    const waiting = newTradeNo();
    await sandbox.outage('hang', 2);

    // Act
    const sent = await failureOf(payout(client, timedOut));
    // No timeout of its own: it waits until the sandbox drops the socket at the outage's end.
    const patient = new PayproClient({ baseUrl: sandbox.url, timeoutMs: 30_000, salt: 'prefix' });
    const heldFailure = failureOf(payout(patient, waiting));
    await until(
      () => sandbox.currentOutage()?.payoutRequests,
      (n) => n === 2,
      5_000,
    );
    const during = await sandboxRoute(sandbox, 'GET', '/sandbox/outage');
    const dropped = await heldFailure;
    const over = await outageOver(sandbox);
    const after = await payout(client, timedOut);

    // Assess
    expect(sent).toEqual({
      class: 'ambiguous',
      unavailable: true,
      rateLimited: false,
      detail: 'no answer in time',
    });
    expect(during.json).toMatchObject({ mode: 'hang', seconds: 2, payoutRequests: 2, requests: 2 });
    expect(dropped).toMatchObject({ class: 'ambiguous', unavailable: true });
    expect(over).toEqual({ mode: 'none' });
    expect(after).toMatchObject({ kind: 'accepted', status: '0000' });
    expect(sandbox.payouts.has(waiting)).toBe(false);
    expect(sandbox.payoutCalls(timedOut)).toBe(1);
    expect(sandbox.payoutCalls(waiting)).toBe(0);
  });

  it('ends the outage in effect when another starts', async () => {
    // Prepare
    await sandbox.outage('hang', 60);

    // Act
    const replaced = await sandbox.outage('503', 60);
    const current = sandbox.currentOutage();
    await sandbox.endOutage();

    // Assess
    const [hang, gateway] = sandbox.outages().slice(-2);
    expect(hang).toMatchObject({ mode: 'hang', endedAt: expect.any(Date) });
    expect(gateway).toMatchObject({ mode: '503', startedAt: replaced.startedAt, endedAt: expect.any(Date) });
    expect(current).toMatchObject({ mode: '503', seconds: 60 });
    expect(sandbox.currentOutage()).toBeUndefined();
  });
});

describe('POST /sandbox/outage with bad input', () => {
  let sandbox: PayproSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it.each([
    { body: { mode: 'down', seconds: 5 }, field: 'mode' },
    { body: { seconds: 5 }, field: 'mode' },
    { body: { mode: 503, seconds: 5 }, field: 'mode' },
    { body: { mode: '503' }, field: 'seconds' },
    { body: { mode: 'hang', seconds: 0 }, field: 'seconds' },
    { body: { mode: 'refuse', seconds: 3601 }, field: 'seconds' },
    { body: { mode: '503', seconds: 1.5 }, field: 'seconds' },
    { body: { mode: '503', seconds: '5' }, field: 'seconds' },
    { body: 'not json', field: 'body' },
    { body: [{ mode: '503', seconds: 5 }], field: 'body' },
  ])('refuses $body with HTTP 400 naming $field, and changes nothing', async ({ body, field }) => {
    // Act
    const answer = await sandboxRoute(sandbox, 'POST', '/sandbox/outage', body);
    const current = await sandboxRoute(sandbox, 'GET', '/sandbox/outage');
    const paypro = await payout(clientOf(sandbox), newTradeNo());

    // Assess
    expect(answer).toEqual({ status: 400, json: { field, error: expect.any(String) } });
    expect(current.json).toEqual({ mode: 'none' });
    expect(paypro).toMatchObject({ kind: 'accepted' });
    expect(sandbox.outages()).toEqual([]);
  });

  it('refuses a bad outage from code too', async () => {
    // Act
    const bad = sandbox.outage('down' as '503', 5);
    const tooLong = sandbox.outage('hang', 3601);

    // Assess
    await expect(bad).rejects.toThrow(/mode/);
    await expect(tooLong).rejects.toThrow(/seconds/);
    expect(sandbox.outages()).toEqual([]);
  });
});

describe('callbacks during an outage', () => {
  let sandbox: PayproSandbox;
  let notifyUrl: string;
  const received: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      received.push(body);
      res.writeHead(200).end('OK');
    });
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ settleMs: 200 });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
  });
  afterEach(async () => {
    await sandbox.endOutage();
  });
  afterAll(async () => {
    await sandbox?.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it.each(['503', 'refuse', 'hang'] as const)(
    'settles a payout accepted before a %s outage and calls back on its schedule during it',
    async (mode) => {
      // Prepare: the default mobile settles settleMs after receipt, then calls back.
      const tradeNo = newTradeNo();
      const accepted = await clientOf(sandbox).payout(CREDENTIALS, {
        tradeNo,
        amount: 50,
        mobile: '254712345678',
        notifyUrl,
      });

      // Act
      await sandbox.outage(mode, 60);
      const callback = await until(
        () => received.find((body) => body.includes(tradeNo)),
        (body) => body !== undefined,
        5_000,
      );

      // Assess
      expect(accepted).toMatchObject({ kind: 'accepted', status: '0015' });
      expect(sandbox.currentOutage()).toMatchObject({ mode });
      expect(JSON.parse(callback ?? '{}')).toMatchObject({ tradeNo, status: '0000' });
    },
  );
});
