import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { FloatUnreadableError } from '../../lib/errors';
import { PayproFloatClient } from '../../lib/paypro/float-client';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack, TEST_SECRET } from '../support/stack';

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const KENYA_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const LACK_OF_FUNDS = "Paypro refused the payout for lack of funds in the merchant's Paypro balance (float)";
// Any mobile without a script: accepted 0015, paid after settleMs.
const ORDINARY_MOBILE = '254712345678';

let stack: Awaited<ReturnType<typeof startStack>>;
let paypro: PayproFloatClient;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({}, { slowMs: 1_500, settleMs: 10_000 });
  // The client the functions build, from the same config.
  paypro = new PayproFloatClient({
    baseUrl: stack.config.payproBaseUrl,
    timeoutMs: stack.config.payproTimeoutMs,
    salt: stack.config.payproSignSalt,
    ...(stack.config.payproBalancePath !== undefined && { balancePath: stack.config.payproBalancePath }),
  });
});
afterAll(async () => {
  await stack?.close();
});

function tradeNo(label: string): string {
  seq += 1;
  return `float-${label}-${Date.now()}-${seq}`;
}

const createPayout = (body: unknown) => stack.createPayout(apiEvent({ body }), lambdaContext());
const readBalance = () => paypro.queryBalance(TEST_SECRET);

async function sandboxBalance(init?: RequestInit) {
  const response = await fetch(`${stack.sandbox.url}/sandbox/balance`, init);
  return { status: response.status, body: await response.json() };
}

describe("Paypro's balance, through PayproFloatClient against the sandbox over HTTP", () => {
  it('reads the merchant balance the sandbox holds', async () => {
    // Prepare
    stack.sandbox.setBalance(10_000);
    const callsBefore = stack.sandbox.balanceCalls();

    // Act
    const balance = await readBalance();

    // Assess
    expect(balance).toEqual({ available: 10_000, frozen: 0, unsettled: 0 });
    expect(stack.sandbox.balanceCalls()).toBe(callsBefore + 1);
  });

  it('is debited by a payout Paypro accepts', async () => {
    // Prepare
    stack.sandbox.setBalance(10_000);

    // Act
    const response = await createPayout({ amount: 150, mobile: ORDINARY_MOBILE, tradeNo: tradeNo('debit') });

    // Assess
    expect(bodyOf(response)).toMatchObject({ status: 'PROCESSING' });
    expect(await readBalance()).toEqual({ available: 9_850, frozen: 0, unsettled: 0 });
  });

  it('is credited back when an accepted payout ends FAILED', async () => {
    // Prepare
    stack.sandbox.setBalance(10_000);
    const id = tradeNo('credit');

    // Act
    const response = await createPayout({ amount: 400, mobile: SANDBOX_MOBILES.rejected, tradeNo: id });

    // Assess
    expect(bodyOf(response)).toMatchObject({ status: 'FAILED', paypro: { code: '00029' } });
    expect(stack.sandbox.payouts.get(id)).toMatchObject({ amount: '400', status: '00029' });
    expect(await readBalance()).toEqual({ available: 10_000, frozen: 0, unsettled: 0 });
  });

  it('fails a payout larger than the balance with the lack of funds said plainly, and debits nothing', async () => {
    // Prepare
    stack.sandbox.setBalance(100);
    const id = tradeNo('short');

    // Act
    const response = await createPayout({ amount: 150, mobile: ORDINARY_MOBILE, tradeNo: id });

    // Assess
    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toMatchObject({
      tradeNo: id,
      status: 'FAILED',
      paypro: { code: '00051', message: 'INSUFFICIENT_BALANCE' },
    });
    expect(bodyOf(response).history).toEqual([
      { at: ISO, source: 'api', status: 'PENDING', note: 'payout requested' },
      {
        at: ISO,
        source: 'paypro-payout',
        status: 'FAILED',
        code: '00051',
        message: 'INSUFFICIENT_BALANCE',
        note: `payout accepted by Paypro; ${LACK_OF_FUNDS}`,
      },
    ]);
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
    expect(await readBalance()).toEqual({ available: 100, frozen: 0, unsettled: 0 });
  });

  it.each(['http500', 'timeout'] as const)(
    'is unreadable, never a figure, when the sandbox fails Balance Inquiry (%s)',
    async (mode) => {
      // Prepare
      stack.sandbox.setBalance(10_000);
      stack.sandbox.failBalance(mode);

      // Act
      const read = readBalance();

      // Assess
      await expect(read).rejects.toBeInstanceOf(FloatUnreadableError);
      stack.sandbox.failBalance('none');
      expect(await readBalance()).toEqual({ available: 10_000, frozen: 0, unsettled: 0 });
    },
  );

  it('can be set at run time through POST /sandbox/balance and read back', async () => {
    // Act
    const set = await sandboxBalance({ method: 'POST', body: JSON.stringify({ available: 2_500.75 }) });
    const refused = await sandboxBalance({ method: 'POST', body: JSON.stringify({ available: -1 }) });

    // Assess
    expect(set).toEqual({ status: 200, body: { available: 2_500.75, frozen: 0, unsettled: 0 } });
    expect(refused.status).toBe(400);
    expect(await sandboxBalance()).toEqual(set);
    expect(await readBalance()).toEqual({ available: 2_500.75, frozen: 0, unsettled: 0 });
  });
});

describe('M-Pesa receipts, through PayproFloatClient against the sandbox over HTTP', () => {
  it("finds a paid payout's receipt code: its platFormTradeNo, amount and status", async () => {
    // Prepare
    stack.sandbox.setBalance(10_000);
    const id = tradeNo('receipt');
    const response = await createPayout({ amount: 60, mobile: SANDBOX_MOBILES.succeeds, tradeNo: id });
    const code = stack.sandbox.receiptOf(id) ?? '';

    // Act
    const record = await paypro.queryReceipt(TEST_SECRET, code);

    // Assess
    expect(bodyOf(response)).toMatchObject({ status: 'SUCCEEDED' });
    expect(code).toMatch(/^[A-Z0-9]{10}$/);
    expect(record).toEqual({
      kind: 'found',
      platFormTradeNo: stack.sandbox.payouts.get(id)?.platFormTradeNo,
      amount: '60',
      status: '0000',
      message: 'SUCCESS',
      mpesaReceiptNumber: code,
      successTime: expect.stringMatching(KENYA_TIME),
    });
  });

  it('refuses a receipt code it never gave', async () => {
    // Act
    const record = await paypro.queryReceipt(TEST_SECRET, 'QQQQ000000');

    // Assess
    expect(record).toEqual({ kind: 'rejected', code: '1005', message: 'ORDER_NOT_EXIST' });
  });
});
