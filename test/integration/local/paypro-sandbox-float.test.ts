import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PayproSandbox, SANDBOX_MOBILES, startPayproSandbox } from '../../../infra/local/paypro-sandbox';
import { type SignableFields, sign } from '../../../lib/paypro/sign';

const MERCHANT_NO = '0000000001';
const APP_SECRET = 'sandbox-float-secret';
const SETTLE_MS = 100;
const KENYA_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

let sandbox: PayproSandbox;

async function post(path: string, fields: SignableFields, appSecret = APP_SECRET) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', merchantNo: MERCHANT_NO },
    body: JSON.stringify({ ...fields, sign: sign(fields, appSecret, 'prefix') }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function sandboxBalance(init?: RequestInit) {
  const response = await fetch(`${sandbox.url}/sandbox/balance`, init);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function payout(mobile: string, amount: string) {
  const tradeNo = `F${Date.now()}${randomBytes(4).toString('hex')}`;
  return { tradeNo, answer: post('/api/payout', { timestamp: Date.now(), amount, mobile, tradeNo }) };
}

function refusal(code: string, msg: string) {
  return { msg, code, timestamp: expect.any(Number), success: false, data: null };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  sandbox = await startPayproSandbox({
    merchantNo: MERCHANT_NO,
    appSecret: APP_SECRET,
    salt: 'prefix',
    settleMs: SETTLE_MS,
    balance: 1000,
    balancePath: '/api/custom/balance',
  });
});

afterAll(async () => {
  await sandbox.close();
});

describe('Paypro sandbox: balance', () => {
  it('answers Balance Inquiry at the configured path with the three figures as strings', async () => {
    // Prepare
    sandbox.setBalance(1234.5);
    const callsBefore = sandbox.balanceCalls();

    // Act
    const answer = await post('/api/custom/balance', { timestamp: Date.now() });

    // Assess
    expect(answer).toEqual({
      status: 200,
      json: {
        msg: 'success',
        code: '0000',
        timestamp: expect.any(Number),
        success: true,
        data: { availableAmount: '1234.50', freezeAmount: '0.00', unsettledAmount: '0.00' },
      },
    });
    expect(sandbox.balanceCalls()).toBe(callsBefore + 1);
  });

  it('refuses a Balance Inquiry with a wrong sign, and does not serve the default path', async () => {
    // Act
    const badSign = await post('/api/custom/balance', { timestamp: Date.now() }, 'wrong-secret');
    const response = await fetch(`${sandbox.url}/api/queryBalance`, { method: 'POST', body: '{}' });

    // Assess
    expect(badSign.json).toEqual(refusal('1002', 'SIGN_ERROR'));
    expect(response.status).toBe(404);
  });

  it('debits an accepted payout, credits a rejected one back, and refuses one it cannot cover', async () => {
    // Prepare
    sandbox.setBalance(100);

    // Act
    const paid = payout(SANDBOX_MOBILES.succeeds, '60');
    const rejected = payout(SANDBOX_MOBILES.rejected, '30');
    const paidAnswer = await paid.answer;
    const rejectedAnswer = await rejected.answer;
    const tooBig = payout(SANDBOX_MOBILES.succeeds, '41');
    const tooBigAnswer = await tooBig.answer;
    const query = await post('/api/queryPayOutResult', { tradeNo: tooBig.tradeNo });

    // Assess
    expect(paidAnswer.json).toMatchObject({ code: '0000', data: { status: '0000', desc: 'SUCCESS' } });
    expect(rejectedAnswer.json).toMatchObject({ code: '0000', data: { status: '00029' } });
    expect(tooBigAnswer.json).toEqual({
      msg: 'success',
      code: '0000',
      timestamp: expect.any(Number),
      success: true,
      data: { serialNumber: expect.any(String), status: '00051', desc: 'INSUFFICIENT_BALANCE' },
    });
    expect(query.json).toMatchObject({
      code: '0000',
      data: {
        status: '00051',
        message: 'INSUFFICIENT_BALANCE',
        successTime: expect.stringMatching(KENYA_TIME),
      },
    });
    expect(sandbox.balance()).toEqual({ available: 40, frozen: 0, unsettled: 0 });
  });

  it('debits an ordinary payout on receipt and keeps it debited once paid', async () => {
    // Prepare
    sandbox.setBalance(500);

    // Act
    const { tradeNo, answer } = payout('254711111111', '200');
    await answer;
    const onReceipt = sandbox.balance().available;
    await wait(SETTLE_MS + 100);

    // Assess
    expect(onReceipt).toBe(300);
    expect(sandbox.balance().available).toBe(300);
    expect(sandbox.payouts.get(tradeNo)?.status).toBe('0000');
  });

  it('sets and reads the balance through /sandbox/balance', async () => {
    // Act
    const set = await sandboxBalance({ method: 'POST', body: JSON.stringify({ available: 75.25 }) });
    const read = await sandboxBalance();

    // Assess
    expect(set).toEqual({ status: 200, json: { available: 75.25, frozen: 0, unsettled: 0 } });
    expect(read).toEqual(set);
    expect(sandbox.balance()).toEqual({ available: 75.25, frozen: 0, unsettled: 0 });
  });

  it.each([
    { case: 'a negative amount', body: '{"available":-1}' },
    { case: 'a string', body: '{"available":"100"}' },
    { case: 'no available', body: '{}' },
    { case: 'not JSON', body: 'available=5' },
  ])('refuses to set the balance to $case with HTTP 400, changing nothing', async ({ body }) => {
    // Prepare
    sandbox.setBalance(10);

    // Act
    const answer = await sandboxBalance({ method: 'POST', body });

    // Assess
    expect(answer.status).toBe(400);
    expect(sandbox.balance().available).toBe(10);
  });
});

describe('Paypro sandbox: M-Pesa receipts', () => {
  it('gives a paid payout a receipt code and answers Mpesa Query for it', async () => {
    // Prepare
    sandbox.setBalance(1000);
    const { tradeNo, answer } = payout(SANDBOX_MOBILES.succeeds, '50');
    await answer;
    const code = sandbox.receiptOf(tradeNo) ?? '';

    // Act
    const found = await post('/api/queryResultByCode', { code, timestamp: Date.now() });

    // Assess
    expect(code).toMatch(/^[A-Z][A-Z0-9]{9}$/);
    expect(found.json).toEqual({
      msg: 'success',
      code: '0000',
      timestamp: expect.any(Number),
      success: true,
      data: {
        platFormTradeNo: sandbox.payouts.get(tradeNo)?.platFormTradeNo,
        amount: 50,
        status: '0000',
        message: 'SUCCESS',
        mpesaReceiptNumber: code,
        successTime: expect.stringMatching(KENYA_TIME),
      },
    });
  });

  it('gives no receipt to a payout that is not paid, and refuses an unknown code', async () => {
    // Prepare
    const { tradeNo, answer } = payout(SANDBOX_MOBILES.rejected, '50');
    await answer;

    // Act
    const unknown = await post('/api/queryResultByCode', { code: 'ZZZZZZZZZZ', timestamp: Date.now() });

    // Assess
    expect(sandbox.receiptOf(tradeNo)).toBeUndefined();
    expect(unknown.json).toEqual(refusal('1005', 'ORDER_NOT_EXIST'));
  });

  it('gives every paid payout its own receipt code', async () => {
    // Prepare
    sandbox.setBalance(10_000);

    // Act
    const sent = Array.from({ length: 20 }, () => payout(SANDBOX_MOBILES.succeeds, '50'));
    await Promise.all(sent.map((p) => p.answer));

    // Assess
    const codes = sent.map((p) => sandbox.receiptOf(p.tradeNo));
    expect(new Set(codes).size).toBe(20);
  });
});
