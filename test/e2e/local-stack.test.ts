import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { parse } from 'csv-parse/sync';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_PATH } from '../../contract/document';
import { LOCAL_DEV_SECRET } from '../../infra/local/dev-secret';
import { callbackToken } from '../../lib/paypro/callback-token';
import { kenyaDate } from '../../lib/shared/kenya-time';
import { generateWebhookSecret } from '../../lib/webhooks/sign';
import { type RunningStack, runNpmStart, START_HOOK_TIMEOUT_MS } from '../support/local-stack-process';
import { until as waitFor } from '../support/wait';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

let stack: RunningStack;
let receiver: WebhookReceiver;
// Given to npm start, as a developer would: it must never appear in its output.
const webhookSecret = generateWebhookSecret();

beforeAll(async () => {
  receiver = await startWebhookReceiver(() => 204);
  stack = await runNpmStart({
    // A fast reconciler so a silent payout settles within the test.
    // Min age 4 s: the callback (sent 2 s after creation) gets there before the reconciler looks.
    RECONCILE_INTERVAL_S: '2',
    RECONCILE_MIN_AGE_S: '4',
    // Flag a payout open for 12 s (not a day), so the operator API has a flagged payout to resolve.
    RECONCILE_FLAG_AFTER_S: '12',
    WEBHOOK_URL: `${receiver.url}/hooks`,
    WEBHOOK_SECRET: webhookSecret,
  });
}, START_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
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

  it('serves the checked-in OpenAPI document at /openapi.json, without a key', async () => {
    const response = await fetch(`${stack.apiUrl}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
    const served = await response.json();
    expect(served).toEqual(JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')));
    expect(stack.output()).toMatch(/^ {2}API document: +http:\/\/\S+\/dev\/openapi\.json /m);
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

describe('npm start: events and webhooks', () => {
  it('prints each event of a payout and delivers each as a signed webhook, once per event id', async () => {
    // Prepare
    const tradeNo = `e2e-wh-${Date.now()}`;
    const eventLine = (type: string, version: number, change: string) =>
      new RegExp(
        `^\\[event\\] ${type}\\s+tradeNo=${tradeNo} v${version} \\(${change}\\) eventId=${tradeNo}:${version}$`,
        'm',
      );
    const processingLine = eventLine('Payout Processing', 1, 'PENDING → PROCESSING');
    const succeededLine = eventLine('Payout Succeeded', 2, 'PROCESSING → SUCCEEDED');
    const ours = () =>
      receiver.received.filter((w) => String(w.headers['webhook-id']).startsWith(`${tradeNo}:`));
    // Act: the default mobile; the sandbox accepts it (0015) and calls back SUCCEEDED 2 s later.
    const created = await call('POST', '/payouts', { amount: 150, mobile: '0712345678', tradeNo });
    const ids = await waitFor(
      () => new Set(ours().map((w) => w.headers['webhook-id'])),
      (seen) => seen.size >= 2,
      25_000,
    );
    // Room for a duplicate or a stray third webhook to show up: two sweeps and a delivery.
    await new Promise((r) => setTimeout(r, 2_500));
    // Assess
    expect(created.body.status).toBe('PROCESSING');
    const output = stack.output();
    expect(output).toMatch(processingLine);
    expect(output).toMatch(succeededLine);
    expect(output.search(processingLine)).toBeLessThan(output.search(succeededLine));
    expect([...ids].sort()).toEqual([`${tradeNo}:1`, `${tradeNo}:2`]);
    const verifier = new Webhook(webhookSecret);
    const bodies = new Map<string, unknown>();
    for (const webhook of ours()) {
      expect(webhook.path).toBe('/hooks');
      const headers = {
        'webhook-id': String(webhook.headers['webhook-id']),
        'webhook-timestamp': String(webhook.headers['webhook-timestamp']),
        'webhook-signature': String(webhook.headers['webhook-signature']),
      };
      // Throws unless signed with the secret over this id, timestamp and body.
      const body = verifier.verify(webhook.body, headers);
      // A duplicate (at least once) must be the same event under the same id.
      const earlier = bodies.get(headers['webhook-id']);
      if (earlier !== undefined) expect(body).toEqual(earlier);
      bodies.set(headers['webhook-id'], body);
    }
    const data = (type: string, version: number, previousStatus: string, status: string) => ({
      type,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      data: expect.objectContaining({
        eventId: `${tradeNo}:${version}`,
        version,
        previousStatus,
        tradeNo,
        status,
        amount: 150,
        mobile: '2547****5678',
      }),
    });
    expect(bodies.get(`${tradeNo}:1`)).toStrictEqual(data('payout.processing', 1, 'PENDING', 'PROCESSING'));
    expect(bodies.get(`${tradeNo}:2`)).toStrictEqual(data('payout.succeeded', 2, 'PROCESSING', 'SUCCEEDED'));
    // Only the masked mobile, and never the secret it was given, in what npm start printed.
    expect(output).not.toContain('254712345678');
    expect(output).not.toContain(webhookSecret);
    expect(output).toContain(`Webhook URL:     ${receiver.url}/hooks`);
  });
});

describe('npm start: bulk payouts', () => {
  it('needs the API key for /payout-batches and its report', async () => {
    const routes = [
      ['POST', '/payout-batches'],
      ['GET', '/payout-batches/anything'],
      ['GET', '/payout-batches/anything/report.csv'],
    ] as const;
    for (const [method, path] of routes) {
      const response = await fetch(`${stack.apiUrl}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
  });

  it('takes a batch in, records it with advance-batches, sends every item through send-batch-items, and reports it', async () => {
    // Prepare: one item per sandbox outcome that needs no callback to be final or stay put.
    const batchId = `e2e-batch-${Date.now()}`;
    const items = [
      { amount: 100, mobile: '0700000000', tradeNo: `${batchId}-ok` },
      { amount: 101, mobile: '0700000029', tradeNo: `${batchId}-rejected` },
      { amount: 102, mobile: '0700000015', tradeNo: `${batchId}-processing` },
    ];
    // Act
    const accepted = await call('POST', '/payout-batches', { batchId, items });
    const read = await waitFor(
      () => call('GET', `/payout-batches/${batchId}`),
      (reply) => (reply.body.counts as Record<string, number> | undefined)?.PENDING === 0,
      20_000,
    );
    const report = await fetch(`${stack.apiUrl}/payout-batches/${batchId}/report.csv`, {
      headers: { 'x-api-key': stack.apiKey },
    });
    const csv = await report.text();
    // Assess
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ batchId, itemCount: 3, totalAmount: 303 });
    expect(read.status).toBe(200);
    expect(read.body.counts).toEqual({
      PENDING: 0,
      PROCESSING: 1,
      SUCCEEDED: 1,
      FAILED: 1,
      REJECTED: 0,
      CANCELLED: 0,
    });
    // Recorded by advance-batches and sent by the consumer of the batch-sends queue, not left to the reconciler.
    expect(stack.output()).toMatch(/\(λ: advance-batches\) RequestId: /);
    expect(stack.output()).toMatch(/\(λ: send-batch-items\) RequestId: /);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/^text\/csv\b/);
    for (const item of items) expect(csv).toContain(item.tradeNo);
    expect(stack.output()).toMatch(/Batch sends: +\S+paypro-payouts-dev-batch-sends -> send-batch-items/);
  });
});

describe('npm start: the operator API', () => {
  /** The admin key the launcher printed: what the stand-in for IAM checks. */
  const adminKey = () => stack.output().match(/\(header x-admin-key: (\S+), standing in for IAM/)?.[1] ?? '';

  async function admin(method: string, path: string, body?: unknown, key = adminKey()) {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-admin-key': key },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  }

  it('answers 403 on the admin routes without the admin key, with a wrong one, or with the apps’ API key', async () => {
    // Prepare
    const routes = [
      ['GET', '/admin/payouts'],
      ['POST', '/admin/payouts/anything/resolve'],
      ['GET', `/admin/reports/daily.csv?date=${kenyaDate(new Date())}`],
      ['GET', '/admin/payout-batches'],
    ] as const;
    expect(adminKey()).toBe('local-admin-key'); // the default, shown in the banner
    for (const [method, path] of routes) {
      // Act
      const none = await fetch(`${stack.apiUrl}${path}`, { method });
      const wrong = await admin(method, path, undefined, 'not-the-admin-key');
      const appKey = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { 'x-api-key': stack.apiKey },
      });
      const right = await admin(method, path, method === 'POST' ? { to: 'FAILED', reason: 'x' } : undefined);
      // Assess
      for (const refused of [none.status, wrong.status, appKey.status])
        expect(refused, `${method} ${path}`).toBe(403);
      expect(await none.json()).toEqual({ message: 'Forbidden' });
      // Let through: the route itself answers (404 for a payout that does not exist).
      expect(right.status, `${method} ${path}`).toBe(method === 'POST' ? 404 : 200);
    }
  });

  it('grants a page on another local port nothing: its preflight and its request are refused', async () => {
    // Prepare: a page served from another port, trying the documented local admin key.
    const origin = 'http://127.0.0.1:8081';
    // Act
    // The preflight through node:http: the contract check on fetch knows no OPTIONS route.
    const preflight = await new Promise<IncomingMessage>((resolve, reject) =>
      httpRequest(`${stack.apiUrl}/admin/balance`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'x-admin-key',
        },
      })
        .on('response', (reply) => resolve(reply.resume()))
        .on('error', reject)
        .end(),
    );
    const request = await fetch(`${stack.apiUrl}/admin/balance`, {
      headers: { origin, 'x-admin-key': adminKey() },
    });
    // Assess
    expect(preflight.statusCode).toBe(403);
    expect(Object.keys(preflight.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(request.status).toBe(403);
    expect(request.headers.get('access-control-allow-origin')).toBeNull();
    expect(request.headers.get('access-control-allow-credentials')).toBeNull();
    expect(await request.json()).toEqual({ message: 'Forbidden' });
  });

  it('lists a flagged payout and resolves it by hand, recorded as the local operator', {
    timeout: 90_000,
  }, async () => {
    // Prepare: the sandbox keeps this mobile processing; the reconciler flags it after 12 s.
    const tradeNo = `e2e-admin-${Date.now()}`;
    const created = await call('POST', '/payouts', { amount: 160, mobile: '0700000015', tradeNo });
    expect(created.body.status).toBe('PROCESSING');
    const listed = await waitFor(
      async () => JSON.parse((await admin('GET', '/admin/payouts?flagged=true&status=PROCESSING')).text),
      (page: { payouts: Array<{ tradeNo: string }> }) => page.payouts.some((p) => p.tradeNo === tradeNo),
      60_000,
    );
    const reason = 'Paypro support: never paid (ticket 981)';
    // Act
    const refused = await admin('POST', `/admin/payouts/${tradeNo}/resolve`, { to: 'FAILED', reason });
    const forced = await admin('POST', `/admin/payouts/${tradeNo}/resolve`, {
      to: 'FAILED',
      reason,
      force: true,
    });
    const read = await call('GET', `/payouts/${tradeNo}`);
    const date = kenyaDate(String(created.body.createdAt));
    const report = await admin('GET', `/admin/reports/daily.csv?date=${date}`);
    // Assess
    expect(listed.payouts.find((p: { tradeNo: string }) => p.tradeNo === tradeNo)).toEqual({
      tradeNo,
      status: 'PROCESSING',
      amount: 160,
      mobile: '2547****0015',
      createdAt: created.body.createdAt,
      paypro: expect.objectContaining({ code: '0015', message: 'CREDIT_INPROGRESS' }),
      flaggedAt: expect.any(String),
    });
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.text).paypro).toBe('Paypro is still processing it (0015 CREDIT_INPROGRESS)');
    expect(forced.status).toBe(200);
    const resolved = JSON.parse(forced.text);
    expect(resolved).toEqual(read.body);
    expect(resolved.status).toBe('FAILED');
    expect(resolved.history.at(-1)).toMatchObject({
      source: 'operator',
      status: 'FAILED',
      operator: 'local',
      reason,
      note: 'resolved by operator (forced); Paypro: is still processing it (0015 CREDIT_INPROGRESS)',
    });
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/^text\/csv\b/);
    const rows = parse(report.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.find((r) => r.tradeNo === tradeNo)).toMatchObject({
      status: 'FAILED',
      amount: '160',
      mobile: '2547****0015',
    });
  });
});

describe('npm start: Ctrl-C', () => {
  it('stops every process it started, without errors from the event path', async () => {
    await stack.stop();
    expect(stack.output()).not.toMatch(/^\[(outbox|webhooks|batches)\] /m);
  });
});

describe('npm start: log hygiene of everything it printed', () => {
  it('never printed a callback token, the app secret or the callback key: callback request lines show the token masked', async () => {
    // Prepare: all it printed, to the end; every payout of the run named in an event line.
    await stack.stop();
    const output = stack.output();
    const tradeNos = new Set(
      [...output.matchAll(/^\[event\] .* tradeNo=(\S+) /gm)].map((m) => m[1] as string),
    );
    const tokens = [...tradeNos].map((tradeNo) => callbackToken(LOCAL_DEV_SECRET.callbackKey, tradeNo));
    // Act
    const printed = [LOCAL_DEV_SECRET.appSecret, LOCAL_DEV_SECRET.callbackKey, ...tokens].filter((secret) =>
      output.includes(secret),
    );
    const callbackPaths = [...output.matchAll(/\/callbacks\/paypro\/([^/\s]*)\/([^\s)]*)/g)];
    // Assess
    expect(tradeNos.size).toBeGreaterThan(5);
    expect(printed).toEqual([]);
    // Paypro's callbacks reached the API (their request lines are there), each token masked;
    // the only other form is the route's own template in the list serverless-offline prints.
    const requests = callbackPaths.filter(([, tradeNo]) => tradeNos.has(tradeNo as string));
    expect(requests.length).toBeGreaterThan(0);
    expect(new Set(callbackPaths.map(([, , token]) => token))).toEqual(new Set(['****', '{token}']));
    expect(output).toMatch(
      /^\[api\] POST \/dev\/callbacks\/paypro\/e2e-cb-\d+\/\*{4} \(λ: paypro-callback\)$/m,
    );
  });
});
