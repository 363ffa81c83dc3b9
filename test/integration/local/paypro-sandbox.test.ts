import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  return { status: response.status, text, json: JSON.parse(text) } satisfies Answer;
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

  it('survives a client that gives up on a slow answer', async () => {
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

    // Assess
    expect(next.json).toMatchObject({ code: '0000', data: { tradeNo: fields.tradeNo, status: '0015' } });
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
