import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PayproSandbox, SANDBOX_MOBILES, startPayproSandbox } from '../../../infra/local/paypro-sandbox';
import { type SaltPosition, type SignableFields, sign } from '../../../lib/paypro/sign';

const MERCHANT_NO = '0000000001';
const APP_SECRET = 'sandbox-test-secret';
const SLOW_MS = 300;
const SETTLE_MS = 200;
const KENYA_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const HEX32 = /^[0-9a-f]{32}$/;

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

interface PostOptions {
  merchantNo?: string | null;
  salt?: SaltPosition;
  rawBody?: string;
  signal?: AbortSignal;
}

let sandbox: PayproSandbox;

/** Posts a body signed like the service signs it, unless the options say otherwise. */
async function post(baseUrl: string, path: string, fields: SignableFields, options: PostOptions = {}) {
  const { status, text } = await postRaw(baseUrl, path, fields, options);
  return { status, text, json: JSON.parse(text) } satisfies Answer;
}

/** Like post, but does not expect JSON back. */
async function postRaw(baseUrl: string, path: string, fields: SignableFields, options: PostOptions = {}) {
  const body = options.rawBody ?? JSON.stringify({ ...fields, sign: sign(fields, APP_SECRET, options.salt) });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const merchantNo = options.merchantNo === undefined ? MERCHANT_NO : options.merchantNo;
  if (merchantNo !== null) headers.merchantNo = merchantNo;
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers,
    body,
    signal: options.signal,
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), text };
}

function payoutFields(mobile: string, tradeNo = newTradeNo()): SignableFields {
  return { timestamp: Date.now(), amount: '50', mobile, tradeNo, remark: `r-${tradeNo}` };
}

function newTradeNo(): string {
  return `T${Date.now()}${randomBytes(4).toString('hex')}`;
}

function query(tradeNo: string, baseUrl = sandbox.url) {
  return post(baseUrl, '/api/queryPayOutResult', { tradeNo });
}

function firstLayerError(code: string, msg: string) {
  return { msg, code, timestamp: expect.any(Number), success: false, data: null };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  sandbox = await startPayproSandbox({
    merchantNo: MERCHANT_NO,
    appSecret: APP_SECRET,
    salt: 'prefix',
    slowMs: SLOW_MS,
    settleMs: SETTLE_MS,
  });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('POST /api/payout', () => {
  it.each([
    { mobile: SANDBOX_MOBILES.succeeds, status: '0000', desc: 'SUCCESS' },
    { mobile: SANDBOX_MOBILES.rejected, status: '00029', desc: 'REJECTED_TRANSACTION' },
    { mobile: SANDBOX_MOBILES.staysProcessing, status: '0015', desc: 'CREDIT_INPROGRESS' },
    { mobile: '254712345678', status: '0015', desc: 'CREDIT_INPROGRESS' },
    { mobile: '254112345678', status: '0015', desc: 'CREDIT_INPROGRESS' },
  ])('accepts a payout to $mobile and answers status $status', async ({ mobile, status, desc }) => {
    // Prepare
    const fields = payoutFields(mobile);

    // Act
    const answer = await post(sandbox.url, '/api/payout', fields);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      msg: 'success',
      code: '0000',
      timestamp: expect.any(Number),
      success: true,
      data: { serialNumber: expect.stringMatching(HEX32), status, desc, remark: fields.remark },
    });
    const data = answer.json.data as { serialNumber: string };
    expect(sandbox.payouts.get(String(fields.tradeNo))).toMatchObject({
      tradeNo: fields.tradeNo,
      amount: '50',
      mobile,
      serialNumber: data.serialNumber,
      platFormTradeNo: expect.stringMatching(HEX32),
      status,
      message: desc,
    });
    expect(sandbox.payoutCalls(String(fields.tradeNo))).toBe(1);
  });

  it('refuses a duplicate tradeNo with 1004, counts both calls and keeps the first payout', async () => {
    // Prepare
    const tradeNo = newTradeNo();
    const first = await post(
      sandbox.url,
      '/api/payout',
      payoutFields(SANDBOX_MOBILES.staysProcessing, tradeNo),
    );
    const stored = { ...sandbox.payouts.get(tradeNo) };

    // Act
    const second = await post(sandbox.url, '/api/payout', {
      ...payoutFields(SANDBOX_MOBILES.succeeds, tradeNo),
      amount: '70',
    });

    // Assess
    expect(first.json.code).toBe('0000');
    expect(second.json).toEqual(firstLayerError('1004', 'DUPLICATE_TRADE_NO'));
    expect(sandbox.payoutCalls(tradeNo)).toBe(2);
    expect(sandbox.payouts.get(tradeNo)).toEqual(stored);
    expect(stored).toMatchObject({ amount: '50', status: '0015', mobile: SANDBOX_MOBILES.staysProcessing });
  });

  it.each([
    { case: 'a wrong merchantNo', merchantNo: '0000000002' },
    { case: 'no merchantNo header', merchantNo: null },
  ])('refuses $case with 1001 and stores nothing', async ({ merchantNo }) => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);

    // Act
    const answer = await post(sandbox.url, '/api/payout', fields, { merchantNo });

    // Assess
    expect(answer).toEqual({
      status: 200,
      text: expect.any(String),
      json: firstLayerError('1001', 'MERCHANT_NOT_FOUND'),
    });
    expect(sandbox.payouts.has(String(fields.tradeNo))).toBe(false);
    expect(sandbox.payoutCalls(String(fields.tradeNo))).toBe(1);
  });

  it('refuses a bad sign with 1002', async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);
    const tampered = JSON.stringify({ ...fields, amount: '5000', sign: sign(fields, APP_SECRET) });

    // Act
    const answer = await post(sandbox.url, '/api/payout', fields, { rawBody: tampered });

    // Assess
    expect(answer.json).toEqual(firstLayerError('1002', 'SIGN_ERROR'));
    expect(sandbox.payouts.has(String(fields.tradeNo))).toBe(false);
  });

  it.each([
    { case: 'a mobile not starting 2541/2547', change: { mobile: '254800000000' } },
    { case: 'an 11-digit mobile', change: { mobile: '25470000000' } },
    { case: 'a mobile sent as a number', change: { mobile: 254700000000 } },
    { case: 'a zero amount', change: { amount: '0' } },
    { case: 'a fractional amount', change: { amount: '50.5' } },
    { case: 'a missing timestamp', change: { timestamp: undefined } },
    { case: 'a non-numeric timestamp', change: { timestamp: 'yesterday' } },
    { case: 'an empty tradeNo', change: { tradeNo: '' } },
    { case: 'a 65-character tradeNo', change: { tradeNo: 'x'.repeat(65) } },
    { case: 'a numeric remark', change: { remark: 7 } },
  ])('refuses $case with 1003', async ({ change }) => {
    // Prepare
    const fields = { ...payoutFields(SANDBOX_MOBILES.succeeds), ...change };

    // Act
    const answer = await post(sandbox.url, '/api/payout', fields);

    // Assess
    expect(answer.json).toEqual(firstLayerError('1003', 'PARAM_ERROR'));
  });

  it('accepts an integer amount and a digit-string timestamp', async () => {
    // Prepare
    const fields: SignableFields = {
      ...payoutFields(SANDBOX_MOBILES.succeeds),
      amount: 75,
      timestamp: String(Date.now()),
    };

    // Act
    const answer = await post(sandbox.url, '/api/payout', fields);

    // Assess
    expect(answer.json.code).toBe('0000');
    expect(sandbox.payouts.get(String(fields.tradeNo))?.amount).toBe('75');
  });

  it.each([
    { case: 'a body that is not JSON', rawBody: 'amount=50&mobile=254700000000' },
    { case: 'a JSON array', rawBody: '[1,2]' },
    { case: 'a nested object', rawBody: JSON.stringify({ tradeNo: 'n1', amount: { value: 50 } }) },
    { case: 'a body over 64 KiB', rawBody: JSON.stringify({ tradeNo: 'big', remark: 'x'.repeat(70_000) }) },
  ])('refuses $case with 1003', async ({ rawBody }) => {
    // Act
    const answer = await post(sandbox.url, '/api/payout', {}, { rawBody });

    // Assess
    expect(answer.json).toEqual(firstLayerError('1003', 'PARAM_ERROR'));
  });

  it('holds a slow answer for about slowMs while the payout is already queryable', async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.slow);
    const tradeNo = String(fields.tradeNo);
    let answered = false;
    const started = Date.now();

    // Act
    const pending = post(sandbox.url, '/api/payout', fields).finally(() => {
      answered = true;
    });
    while (!sandbox.payouts.has(tradeNo)) await wait(5);
    const queried = await query(tradeNo);
    const queriedBeforeAnswer = !answered;
    const answer = await pending;
    const elapsed = Date.now() - started;

    // Assess
    expect(queriedBeforeAnswer).toBe(true);
    expect(queried.json).toMatchObject({
      code: '0000',
      data: { tradeNo, status: '0015', successTime: null },
    });
    expect(elapsed).toBeGreaterThanOrEqual(SLOW_MS - 5);
    expect(answer.json).toMatchObject({ code: '0000', data: { status: '0015', desc: 'CREDIT_INPROGRESS' } });
  });

  it('survives a client that gives up on a slow answer, and still settles the payout', async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.slow);
    const controller = new AbortController();

    // Act
    const aborted = post(sandbox.url, '/api/payout', fields, { signal: controller.signal });
    while (!sandbox.payouts.has(String(fields.tradeNo))) await wait(5);
    controller.abort();
    await expect(aborted).rejects.toThrow();
    await wait(SLOW_MS + 50);
    const next = await query(String(fields.tradeNo));

    // Assess: SETTLE_MS < SLOW_MS, so it settled while the answer was held back.
    expect(next.json).toMatchObject({ code: '0000', data: { tradeNo: fields.tradeNo, status: '0000' } });
  });
});

describe('POST /api/queryPayOutResult', () => {
  it('reports an ordinary payout as processing, then as settled with Paypro-shaped amount and time', async () => {
    // Prepare
    const fields = payoutFields('254722000111');
    const tradeNo = String(fields.tradeNo);
    await post(sandbox.url, '/api/payout', fields);
    const record = sandbox.payouts.get(tradeNo);

    // Act
    const before = await query(tradeNo);
    await wait(SETTLE_MS + 100);
    const after = await query(tradeNo);

    // Assess
    expect(before.json).toEqual({
      msg: 'success',
      code: '0000',
      timestamp: expect.any(Number),
      success: true,
      data: {
        platFormTradeNo: record?.platFormTradeNo,
        tradeNo,
        amount: 50,
        status: '0015',
        message: 'CREDIT_INPROGRESS',
        successTime: null,
      },
    });
    expect(after.text).toContain('"amount":50.0000,');
    expect(after.json).toEqual({
      msg: 'success',
      code: '0000',
      timestamp: expect.any(Number),
      success: true,
      data: {
        platFormTradeNo: record?.platFormTradeNo,
        tradeNo,
        amount: 50,
        status: '0000',
        message: 'SUCCESS',
        successTime: expect.stringMatching(KENYA_TIME),
      },
    });
  });

  it('writes successTime in Kenya time (UTC+3)', async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);
    const tradeNo = String(fields.tradeNo);
    await post(sandbox.url, '/api/payout', fields);
    const successTime = sandbox.payouts.get(tradeNo)?.successTime;

    // Act
    const answer = await query(tradeNo);

    // Assess
    const reported = (answer.json.data as { successTime: string }).successTime;
    const asUtc = Date.parse(`${reported.replace(' ', 'T')}+03:00`);
    expect(successTime).toBeInstanceOf(Date);
    expect(Math.abs(asUtc - (successTime?.getTime() ?? 0))).toBeLessThan(1000);
  });

  it('keeps a staysProcessing payout at 0015 after settleMs', async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.staysProcessing);
    await post(sandbox.url, '/api/payout', fields);

    // Act
    await wait(SETTLE_MS + 100);
    const answer = await query(String(fields.tradeNo));

    // Assess
    expect(answer.json.data).toMatchObject({
      status: '0015',
      message: 'CREDIT_INPROGRESS',
      successTime: null,
    });
  });

  it('reports a rejected payout as final with 00029', async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.rejected);
    await post(sandbox.url, '/api/payout', fields);

    // Act
    const answer = await query(String(fields.tradeNo));

    // Assess
    expect(answer.json.data).toMatchObject({
      status: '00029',
      message: 'REJECTED_TRANSACTION',
      successTime: expect.stringMatching(KENYA_TIME),
    });
  });

  it('answers an unknown tradeNo with the first-layer error 1005', async () => {
    // Act
    const answer = await query('never-sent');

    // Assess
    expect(answer).toEqual({
      status: 200,
      text: expect.any(String),
      json: firstLayerError('1005', 'ORDER_NOT_EXIST'),
    });
  });

  it('refuses a query with a bad sign with 1002', async () => {
    // Prepare
    const rawBody = JSON.stringify({ tradeNo: 'x', sign: sign({ tradeNo: 'y' }, APP_SECRET) });

    // Act
    const answer = await post(sandbox.url, '/api/queryPayOutResult', {}, { rawBody });

    // Assess
    expect(answer.json).toEqual(firstLayerError('1002', 'SIGN_ERROR'));
  });
});

describe('routing', () => {
  it.each([
    { method: 'POST', path: '/api/unknown' },
    { method: 'GET', path: '/api/payout' },
  ])('answers $method $path with HTTP 404', async ({ method, path }) => {
    // Act
    const response = await fetch(`${sandbox.url}${path}`, { method });

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: '404', msg: 'NOT_FOUND', success: false });
  });
});

describe('salt position', () => {
  let suffixSandbox: PayproSandbox;

  beforeAll(async () => {
    suffixSandbox = await startPayproSandbox({
      merchantNo: MERCHANT_NO,
      appSecret: APP_SECRET,
      salt: 'suffix',
    });
  });

  afterAll(async () => {
    await suffixSandbox?.close();
  });

  it('accepts a suffix-signed payout when configured for suffix', async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);

    // Act
    const answer = await post(suffixSandbox.url, '/api/payout', fields, { salt: 'suffix' });

    // Assess
    expect(answer.json).toMatchObject({ code: '0000', success: true, data: { status: '0000' } });
  });

  it('refuses a prefix-signed payout when configured for suffix', async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);

    // Act
    const answer = await post(suffixSandbox.url, '/api/payout', fields, { salt: 'prefix' });

    // Assess
    expect(answer.json).toEqual(firstLayerError('1002', 'SIGN_ERROR'));
    expect(suffixSandbox.payouts.has(String(fields.tradeNo))).toBe(false);
  });
});

describe('close', () => {
  it('returns promptly while a slow answer is still pending', async () => {
    // Prepare
    const own = await startPayproSandbox({
      merchantNo: MERCHANT_NO,
      appSecret: APP_SECRET,
      salt: 'prefix',
      slowMs: 20_000,
    });
    const fields = payoutFields(SANDBOX_MOBILES.slow);
    const pending = post(own.url, '/api/payout', fields);
    while (!own.payouts.has(String(fields.tradeNo))) await wait(5);

    // Act
    const started = Date.now();
    await own.close();

    // Assess
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });
});

/** One request the callback receiver got. */
interface Delivery {
  path: string;
  method: string;
  contentType: string | undefined;
  text: string;
  body: Record<string, unknown>;
  receivedAt: number;
}

/** How the receiver answers the index-th request (0-based) on a path; 'hang' never answers. */
type Script = (index: number, body: Record<string, unknown>) => { status: number; text: string } | 'hang';

const answerOk: Script = () => ({ status: 200, text: 'OK' });

/** A notifyUrl endpoint on loopback that records every request and answers per path's script. */
async function startReceiver() {
  const received: Delivery[] = [];
  const scripts = new Map<string, Script>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text);
    } catch {
      // Recorded as text only.
    }
    const index = received.filter((delivery) => delivery.path === path).length;
    received.push({
      path,
      method: req.method ?? '',
      contentType: req.headers['content-type'],
      text,
      body,
      receivedAt: Date.now(),
    });
    const answer = (scripts.get(path) ?? answerOk)(index, body);
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'text/plain' });
    res.end(answer.text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    /** A fresh notifyUrl answered by `script`. */
    notifyUrl(tradeNo: string, script: Script = answerOk): string {
      const path = `/callbacks/${tradeNo}`;
      scripts.set(path, script);
      return `${url}${path}`;
    },
    deliveries: (tradeNo: string) => received.filter((delivery) => delivery.path === `/callbacks/${tradeNo}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls until `check` holds; fails the test with `what` after `timeoutMs`. */
async function waitUntil(what: string, check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(10);
  }
}

const CALLBACK_SETTLE_MS = 100;
const CALLBACK_SLOW_MS = 300;
const RETRY_MS = 50;
const SCHEDULE_MS = Array.from({ length: 8 }, () => RETRY_MS);
/** Long enough for several more retries to have happened, had the sandbox not stopped. */
const QUIET_MS = 6 * RETRY_MS;

describe('callbacks to notifyUrl', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let callbacks: PayproSandbox;

  beforeAll(async () => {
    receiver = await startReceiver();
    callbacks = await startPayproSandbox({
      merchantNo: MERCHANT_NO,
      appSecret: APP_SECRET,
      salt: 'prefix',
      slowMs: CALLBACK_SLOW_MS,
      settleMs: CALLBACK_SETTLE_MS,
      callbackScheduleMs: SCHEDULE_MS,
    });
  });

  afterAll(async () => {
    await callbacks?.close();
    await receiver?.close();
  });

  /** Sends a payout to `mobile` whose notifyUrl the receiver answers with `script`. */
  async function payoutWithCallback(mobile: string, script?: Script) {
    const tradeNo = newTradeNo();
    const fields = { ...payoutFields(mobile, tradeNo), notifyUrl: receiver.notifyUrl(tradeNo, script) };
    const answer = await post(callbacks.url, '/api/payout', fields);
    return { tradeNo, answer };
  }

  it('posts a final payout once, unsigned, with the query fields and Paypro-shaped amount and time', async () => {
    // Prepare
    const { tradeNo, answer } = await payoutWithCallback(SANDBOX_MOBILES.succeeds);

    // Act
    await waitUntil('the callback', () => receiver.deliveries(tradeNo).length === 1);
    await wait(QUIET_MS);
    const queried = await query(tradeNo, callbacks.url);

    // Assess
    expect(answer.json).toMatchObject({ code: '0000', data: { status: '0000' } });
    const deliveries = receiver.deliveries(tradeNo);
    expect(deliveries).toEqual([
      {
        path: `/callbacks/${tradeNo}`,
        method: 'POST',
        contentType: 'application/json',
        text: expect.stringContaining('"amount":50.0000,'),
        body: {
          platFormTradeNo: callbacks.payouts.get(tradeNo)?.platFormTradeNo,
          tradeNo,
          amount: 50,
          status: '0000',
          message: 'SUCCESS',
          successTime: expect.stringMatching(KENYA_TIME),
        },
        receivedAt: expect.any(Number),
      },
    ]);
    expect(deliveries[0]?.body).toEqual(queried.json.data);
    expect(deliveries[0]?.text).not.toContain('sign');
    expect(callbacks.callbackAttempts(tradeNo)).toEqual([
      { at: expect.any(Date), status: '0000', answeredOk: true, httpStatus: 200 },
    ]);
  });

  it('retries after HTTP 500 twice and stops once answered OK', async () => {
    // Prepare
    const script: Script = (index) =>
      index < 2 ? { status: 500, text: 'busy' } : { status: 200, text: 'OK' };

    // Act
    const { tradeNo } = await payoutWithCallback(SANDBOX_MOBILES.succeeds, script);
    await waitUntil('three attempts', () => receiver.deliveries(tradeNo).length >= 3);
    await wait(QUIET_MS);

    // Assess
    expect(receiver.deliveries(tradeNo)).toHaveLength(3);
    const attempts = callbacks.callbackAttempts(tradeNo);
    expect(attempts).toEqual([
      { at: expect.any(Date), status: '0000', answeredOk: false, httpStatus: 500 },
      { at: expect.any(Date), status: '0000', answeredOk: false, httpStatus: 500 },
      { at: expect.any(Date), status: '0000', answeredOk: true, httpStatus: 200 },
    ]);
    const gaps = attempts
      .slice(1)
      .map((attempt, i) => attempt.at.getTime() - (attempts[i]?.at.getTime() ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(RETRY_MS - 5);
  });

  it('gives up after the first attempt and 8 retries when never answered OK', async () => {
    // Prepare
    const script: Script = () => ({ status: 503, text: 'down' });

    // Act
    const { tradeNo } = await payoutWithCallback(SANDBOX_MOBILES.succeeds, script);
    await waitUntil('nine attempts', () => receiver.deliveries(tradeNo).length >= 9);
    await wait(QUIET_MS);

    // Assess
    expect(receiver.deliveries(tradeNo)).toHaveLength(9);
    expect(callbacks.callbackAttempts(tradeNo)).toEqual(
      Array.from({ length: 9 }, () => ({
        at: expect.any(Date),
        status: '0000',
        answeredOk: false,
        httpStatus: 503,
      })),
    );
  });

  it.each([
    { case: "HTTP 200 with 'ok thanks'", first: { status: 200, text: 'ok thanks' }, attempts: 2 },
    { case: "HTTP 200 with 'ok' in lower case", first: { status: 200, text: 'ok' }, attempts: 2 },
    { case: "HTTP 200 with 'OK, thanks'", first: { status: 200, text: 'OK, thanks' }, attempts: 2 },
    { case: "HTTP 201 with 'OK'", first: { status: 201, text: 'OK' }, attempts: 2 },
    { case: "HTTP 200 with ' OK\\n' (trimmed)", first: { status: 200, text: ' OK\n' }, attempts: 1 },
  ])('counts $case as answered OK only if it is exactly OK', async ({ first, attempts }) => {
    // Prepare
    const script: Script = (index) => (index === 0 ? first : { status: 200, text: 'OK' });

    // Act
    const { tradeNo } = await payoutWithCallback(SANDBOX_MOBILES.succeeds, script);
    await waitUntil(`${attempts} attempts`, () => callbacks.callbackAttempts(tradeNo).length >= attempts);
    await wait(QUIET_MS);

    // Assess
    expect(
      callbacks.callbackAttempts(tradeNo).map(({ answeredOk, httpStatus }) => ({ answeredOk, httpStatus })),
    ).toEqual([
      { answeredOk: attempts === 1, httpStatus: first.status },
      ...(attempts === 2 ? [{ answeredOk: true, httpStatus: 200 }] : []),
    ]);
    expect(receiver.deliveries(tradeNo)).toHaveLength(attempts);
  });

  it('retries when nothing listens at the notifyUrl, without an httpStatus', async () => {
    // Prepare: a port that was just free.
    const closed = await startReceiver();
    const deadUrl = closed.notifyUrl('gone');
    await closed.close();
    const tradeNo = newTradeNo();

    // Act
    await post(callbacks.url, '/api/payout', {
      ...payoutFields(SANDBOX_MOBILES.succeeds, tradeNo),
      notifyUrl: deadUrl,
    });
    await waitUntil('nine attempts', () => callbacks.callbackAttempts(tradeNo).length >= 9);
    await wait(QUIET_MS);

    // Assess
    expect(callbacks.callbackAttempts(tradeNo)).toEqual(
      Array.from({ length: 9 }, () => ({ at: expect.any(Date), status: '0000', answeredOk: false })),
    );
  });

  it('posts a rejected payout at once with 00029', async () => {
    // Act
    const { tradeNo } = await payoutWithCallback(SANDBOX_MOBILES.rejected);
    await waitUntil('the callback', () => receiver.deliveries(tradeNo).length === 1);

    // Assess
    expect(receiver.deliveries(tradeNo)[0]?.body).toEqual({
      platFormTradeNo: callbacks.payouts.get(tradeNo)?.platFormTradeNo,
      tradeNo,
      amount: 50,
      status: '00029',
      message: 'REJECTED_TRANSACTION',
      successTime: expect.stringMatching(KENYA_TIME),
    });
  });

  it('posts an ordinary payout once it settles, not before', async () => {
    // Act
    const { tradeNo } = await payoutWithCallback('254733000111');
    const early = receiver.deliveries(tradeNo).length;
    await waitUntil('the callback', () => receiver.deliveries(tradeNo).length === 1);

    // Assess
    const record = callbacks.payouts.get(tradeNo);
    expect(early).toBe(0);
    expect(receiver.deliveries(tradeNo)[0]?.body).toMatchObject({ status: '0000', message: 'SUCCESS' });
    expect(
      (record?.successTime?.getTime() ?? 0) - (record?.receivedAt.getTime() ?? 0),
    ).toBeGreaterThanOrEqual(CALLBACK_SETTLE_MS - 5);
  });

  it('never posts for a payout without a notifyUrl', async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);

    // Act
    await post(callbacks.url, '/api/payout', fields);
    await wait(QUIET_MS);

    // Assess
    expect(callbacks.callbackAttempts(String(fields.tradeNo))).toEqual([]);
  });

  it('never calls back for neverCallsBack, though the query reports it settled', async () => {
    // Prepare
    const { tradeNo, answer } = await payoutWithCallback(SANDBOX_MOBILES.neverCallsBack);

    // Act
    await wait(CALLBACK_SETTLE_MS + QUIET_MS);
    const queried = await query(tradeNo, callbacks.url);

    // Assess
    expect(answer.json).toMatchObject({ code: '0000', data: { status: '0015', desc: 'CREDIT_INPROGRESS' } });
    expect(queried.json.data).toMatchObject({ tradeNo, status: '0000', message: 'SUCCESS' });
    expect(receiver.deliveries(tradeNo)).toEqual([]);
    expect(callbacks.callbackAttempts(tradeNo)).toEqual([]);
  });

  it('calls back twice with the final result for callsBackTwice, then once with a stale 0015', async () => {
    // Prepare
    const { tradeNo, answer } = await payoutWithCallback(SANDBOX_MOBILES.callsBackTwice);

    // Act
    await waitUntil('three callbacks', () => receiver.deliveries(tradeNo).length >= 3);
    await wait(QUIET_MS);

    // Assess
    expect(answer.json).toMatchObject({ data: { status: '0015' } });
    const final = {
      platFormTradeNo: callbacks.payouts.get(tradeNo)?.platFormTradeNo,
      tradeNo,
      amount: 50,
      status: '0000',
      message: 'SUCCESS',
      successTime: expect.stringMatching(KENYA_TIME),
    };
    const deliveries = receiver.deliveries(tradeNo);
    expect(deliveries.map((delivery) => delivery.body)).toEqual([
      final,
      final,
      { ...final, status: '0015', message: 'CREDIT_INPROGRESS', successTime: null },
    ]);
    expect(deliveries[0]?.text).toBe(deliveries[1]?.text);
    expect(deliveries[2]?.text).toContain('"amount":50.0000,');
    expect(callbacks.callbackAttempts(tradeNo)).toEqual([
      { at: expect.any(Date), status: '0000', answeredOk: true, httpStatus: 200 },
      { at: expect.any(Date), status: '0000', answeredOk: true, httpStatus: 200 },
      { at: expect.any(Date), status: '0015', answeredOk: true, httpStatus: 200 },
    ]);
  });

  it('retries each callsBackTwice delivery on its own, and sends the stale 0015 once even if refused', async () => {
    // Prepare: the first two final posts and every stale post are refused.
    let finalPosts = 0;
    const script: Script = (_index, body) => {
      if (body.status === '0015') return { status: 500, text: 'no' };
      finalPosts += 1;
      return finalPosts <= 2 ? { status: 500, text: 'no' } : { status: 200, text: 'OK' };
    };

    // Act
    const { tradeNo } = await payoutWithCallback(SANDBOX_MOBILES.callsBackTwice, script);
    await waitUntil('five callbacks', () => receiver.deliveries(tradeNo).length >= 5);
    await wait(QUIET_MS);

    // Assess
    expect(receiver.deliveries(tradeNo).map((delivery) => delivery.body.status)).toEqual([
      '0000',
      '0000',
      '0000',
      '0000',
      '0015',
    ]);
    expect(
      callbacks.callbackAttempts(tradeNo).map(({ status, answeredOk }) => ({ status, answeredOk })),
    ).toEqual([
      { status: '0000', answeredOk: false },
      { status: '0000', answeredOk: false },
      { status: '0000', answeredOk: true },
      { status: '0000', answeredOk: true },
      { status: '0015', answeredOk: false },
    ]);
  });

  it('answers slow after slowMs with 0015, and settles and calls back settleMs after receipt', async () => {
    // Prepare
    const started = Date.now();

    // Act
    const { tradeNo, answer } = await payoutWithCallback(SANDBOX_MOBILES.slow);
    const answeredAt = Date.now();
    await waitUntil('the callback', () => receiver.deliveries(tradeNo).length === 1);
    await wait(QUIET_MS);

    // Assess
    expect(answeredAt - started).toBeGreaterThanOrEqual(CALLBACK_SLOW_MS - 5);
    expect(answer.json).toMatchObject({ code: '0000', data: { status: '0015', desc: 'CREDIT_INPROGRESS' } });
    const record = callbacks.payouts.get(tradeNo);
    expect(record).toMatchObject({ status: '0000', message: 'SUCCESS' });
    const settledAfter = (record?.successTime?.getTime() ?? 0) - (record?.receivedAt.getTime() ?? 0);
    expect(settledAfter).toBeGreaterThanOrEqual(CALLBACK_SETTLE_MS - 5);
    expect(settledAfter).toBeLessThan(CALLBACK_SLOW_MS);
    // settleMs < slowMs: the callback reaches the service before the payout's own answer does.
    expect(receiver.deliveries(tradeNo)).toEqual([
      expect.objectContaining({ body: expect.objectContaining({ status: '0000', message: 'SUCCESS' }) }),
    ]);
    expect(receiver.deliveries(tradeNo)[0]?.receivedAt).toBeLessThanOrEqual(answeredAt);
  });
});

describe('fault injection', () => {
  let faulty: PayproSandbox;

  beforeAll(async () => {
    faulty = await startPayproSandbox({ merchantNo: MERCHANT_NO, appSecret: APP_SECRET, salt: 'prefix' });
  });

  afterEach(() => {
    faulty.failQueries('none');
    faulty.failPayouts('none');
  });

  afterAll(async () => {
    await faulty?.close();
  });

  it("answers queries with a text HTTP 500 under failQueries('http500'), and normally again after 'none'", async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);
    await post(faulty.url, '/api/payout', fields);
    faulty.failQueries('http500');

    // Act
    const failed = await postRaw(faulty.url, '/api/queryPayOutResult', { tradeNo: fields.tradeNo });
    faulty.failQueries('none');
    const recovered = await query(String(fields.tradeNo), faulty.url);

    // Assess
    expect(failed).toEqual({ status: 500, contentType: 'text/plain', text: 'Internal Server Error' });
    expect(recovered.json).toMatchObject({ code: '0000', data: { status: '0000' } });
  });

  it("never answers queries under failQueries('timeout')", async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);
    await post(faulty.url, '/api/payout', fields);
    faulty.failQueries('timeout');
    const started = Date.now();

    // Act
    const pending = post(
      faulty.url,
      '/api/queryPayOutResult',
      { tradeNo: fields.tradeNo },
      {
        signal: AbortSignal.timeout(500),
      },
    );

    // Assess
    await expect(pending).rejects.toThrow(/aborted|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
  });

  it("answers payouts with a text HTTP 500 and records nothing under failPayouts('http500')", async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);
    faulty.failPayouts('http500');

    // Act
    const answer = await postRaw(faulty.url, '/api/payout', fields);

    // Assess
    expect(answer).toEqual({ status: 500, contentType: 'text/plain', text: 'Internal Server Error' });
    expect(faulty.payouts.has(String(fields.tradeNo))).toBe(false);
    expect(faulty.payoutCalls(String(fields.tradeNo))).toBe(1);
  });

  it("drops the connection and records nothing under failPayouts('reset')", async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);
    faulty.failPayouts('reset');

    // Act
    const answer = postRaw(faulty.url, '/api/payout', fields);

    // Assess
    await expect(answer).rejects.toThrow('fetch failed');
    expect(faulty.payouts.has(String(fields.tradeNo))).toBe(false);
    expect(faulty.payoutCalls(String(fields.tradeNo))).toBe(1);
  });

  it("records the payout but answers HTML under failPayouts('garbage')", async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);
    faulty.failPayouts('garbage');

    // Act
    const answer = await postRaw(faulty.url, '/api/payout', fields);

    // Assess
    expect(answer).toEqual({ status: 200, contentType: 'text/html', text: '<html>oops</html>' });
    expect(faulty.payouts.get(String(fields.tradeNo))).toMatchObject({
      status: '0000',
      mobile: fields.mobile,
    });
    expect(faulty.payoutCalls(String(fields.tradeNo))).toBe(1);
  });

  it("counts a retry after a failed payout and accepts it once back to 'none'", async () => {
    // Prepare
    const fields = payoutFields(SANDBOX_MOBILES.succeeds);
    faulty.failPayouts('reset');
    await expect(postRaw(faulty.url, '/api/payout', fields)).rejects.toThrow();
    faulty.failPayouts('none');

    // Act
    const answer = await post(faulty.url, '/api/payout', fields);

    // Assess
    expect(answer.json).toMatchObject({ code: '0000', data: { status: '0000' } });
    expect(faulty.payoutCalls(String(fields.tradeNo))).toBe(2);
  });
});

describe('close with callbacks pending', () => {
  it('returns promptly with retries pending, a callback in flight and a hanging query, then stays quiet', async () => {
    // Prepare
    const receiver = await startReceiver();
    const own = await startPayproSandbox({
      merchantNo: MERCHANT_NO,
      appSecret: APP_SECRET,
      salt: 'prefix',
      callbackScheduleMs: SCHEDULE_MS,
    });
    const retrying = newTradeNo();
    const hanging = newTradeNo();
    await post(own.url, '/api/payout', {
      ...payoutFields(SANDBOX_MOBILES.succeeds, retrying),
      notifyUrl: receiver.notifyUrl(retrying, () => ({ status: 500, text: 'no' })),
    });
    await post(own.url, '/api/payout', {
      ...payoutFields(SANDBOX_MOBILES.succeeds, hanging),
      notifyUrl: receiver.notifyUrl(hanging, () => 'hang'),
    });
    await waitUntil('a retry', () => own.callbackAttempts(retrying).length >= 2);
    await waitUntil('the hanging callback', () => receiver.deliveries(hanging).length === 1);
    own.failQueries('timeout');
    // Handled at once: close() makes it fail before the assertions run.
    const queryOutcome = post(own.url, '/api/queryPayOutResult', { tradeNo: retrying }).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await wait(50);

    // Act
    const started = Date.now();
    await own.close();
    const elapsed = Date.now() - started;
    const attemptsAtClose = own.callbackAttempts(retrying).length;
    await wait(QUIET_MS);

    // Assess
    expect(elapsed).toBeLessThan(1000);
    expect(await queryOutcome).toBe('fetch failed');
    expect(attemptsAtClose).toBeLessThan(9);
    expect(own.callbackAttempts(retrying)).toHaveLength(attemptsAtClose);
    // An attempt aborted by close() may still reach the receiver, but nothing is sent after it.
    expect(receiver.deliveries(retrying).length).toBeLessThanOrEqual(attemptsAtClose);
    expect(own.callbackAttempts(hanging)).toEqual([
      { at: expect.any(Date), status: '0000', answeredOk: false },
    ]);
    await receiver.close();
  });
});
