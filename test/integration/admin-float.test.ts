import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGetBalanceHandler } from '../../functions/admin-get-balance';
import { adminGetReceiptHandler } from '../../functions/admin-get-receipt';
import { LOCAL_CAPS } from '../../infra/local/caps';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { dayKey } from '../../lib/limits/caps';
import { type Payout, type PayproDetails, toView } from '../../lib/payouts/payout';
import { kenyaDate } from '../../lib/shared/kenya-time';
import { buildAdminBalanceDeps, buildAdminReceiptDeps } from '../../lib/wiring/admin';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack } from '../support/stack';
import { until } from '../support/wait';

let stack: Awaited<ReturnType<typeof startStack>>;
let seq = 0;

/** An API Gateway event as an AWS_IAM route delivers it: the caller's IAM ARN in its identity. */
function adminEvent(path: string, pathParameters?: Record<string, string>): APIGatewayProxyEvent {
  return {
    ...apiEvent({ method: 'GET', path, ...(pathParameters && { pathParameters }) }),
    requestContext: {
      identity: { userArn: 'arn:aws:iam::123456789012:user/ops-alice' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

const tradeNo = (label: string) => {
  seq += 1;
  return `flt-${label}-${Date.now()}-${seq}`;
};

async function pay(id: string, mobile: string, amount: number) {
  const reply = await stack.createPayout(
    apiEvent({ body: { amount, mobile, tradeNo: id } }),
    lambdaContext(),
  );
  expect(reply.statusCode).toBe(201);
}

const lookUp = (code: string) =>
  adminGetReceiptHandler(buildAdminReceiptDeps(stack.config))(
    adminEvent(`/admin/mpesa-receipts/${code}`, { code }),
    lambdaContext(),
  );

beforeAll(async () => {
  stack = await startStack({}, { slowMs: 1_500, settleMs: 200 });
});
afterAll(async () => {
  await stack?.close();
});

describe('GET /admin/balance against the sandbox', () => {
  it("answers the sandbox's balance read now, the open payout in flight, and today's caps", async () => {
    // Prepare: one payout Paypro keeps processing, the float set to an odd figure.
    const open = tradeNo('open');
    await pay(open, SANDBOX_MOBILES.staysProcessing, 70);
    stack.sandbox.setBalance(123_456.78);
    const day = kenyaDate(new Date());
    const used = await stack.deps.caps.read(dayKey(day));
    const callsBefore = stack.sandbox.balanceCalls();
    const before = Date.now();

    // Act
    const reply = await adminGetBalanceHandler(buildAdminBalanceDeps(stack.config))(
      adminEvent('/admin/balance'),
      lambdaContext(),
    );

    // Assess
    expect(reply.statusCode).toBe(200);
    const body = bodyOf(reply) as { paypro: { readAt: string } };
    const limits = {
      amount: Number(LOCAL_CAPS.DAILY_MAX_AMOUNT),
      count: Number(LOCAL_CAPS.DAILY_MAX_COUNT),
    };
    expect(body).toEqual({
      paypro: { available: 123_456.78, frozen: 0, unsettled: 0, readAt: body.paypro.readAt },
      inFlight: {
        openPayouts: { count: 1, amount: 70 },
        queuedItems: { count: 0, amount: 0 },
        amount: 70,
      },
      caps: {
        day,
        dailyAmount: { limit: limits.amount, used: used.amount, remaining: limits.amount - used.amount },
        dailyCount: { limit: limits.count, used: used.count, remaining: limits.count - used.count },
        recipientDailyAmount: { limit: Number(LOCAL_CAPS.RECIPIENT_DAILY_MAX_AMOUNT) },
        recipientDailyCount: { limit: Number(LOCAL_CAPS.RECIPIENT_DAILY_MAX_COUNT) },
      },
    });
    expect(Date.parse(body.paypro.readAt)).toBeGreaterThanOrEqual(before);
    expect(used.count).toBeGreaterThanOrEqual(1);
    expect(stack.sandbox.balanceCalls()).toBe(callsBefore + 1);
  });
});

describe('GET /admin/balance when Paypro answers a figure too large to read', () => {
  it('answers 503, as for any unreadable balance, rather than 200 with available null', async () => {
    // Prepare: "1" and 400 zeros, which Number() reads as Infinity.
    stack.sandbox.failBalance('overflow');

    // Act
    let reply: Awaited<ReturnType<ReturnType<typeof adminGetBalanceHandler>>>;
    try {
      reply = await adminGetBalanceHandler(buildAdminBalanceDeps(stack.config))(
        adminEvent('/admin/balance'),
        lambdaContext(),
      );
    } finally {
      stack.sandbox.failBalance('none');
    }

    // Assess
    expect(reply).toEqual({
      statusCode: 503,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: "Paypro's balance could not be read; try again later.",
      }),
    });
  });
});

describe('GET /admin/mpesa-receipts/{code} against the sandbox', () => {
  it('finds the payout a receipt code belongs to, by the code the sandbox gave it, in any case', async () => {
    // Prepare: a payout Paypro accepts (0015), then pays and calls back: verified by query, the
    // payout carries Paypro's platFormTradeNo.
    const id = tradeNo('paid');
    await pay(id, '254712345678', 150);
    const stored = (await until(
      () => stack.deps.repository.get(id),
      (p) => p?.status === 'SUCCEEDED' && p.paypro?.platFormTradeNo !== undefined,
    )) as Payout & { paypro: PayproDetails };
    const code = stack.sandbox.receiptOf(id) as string;

    // Act
    const reply = await lookUp(code.toLowerCase());

    // Assess
    expect(code).toMatch(/^[A-Z0-9]{10}$/);
    expect(reply.statusCode).toBe(200);
    expect(bodyOf(reply)).toEqual({
      code,
      paypro: {
        platFormTradeNo: stored.paypro.platFormTradeNo,
        // The sandbox writes a JSON number (150.0000), which reads as 150.
        amount: '150',
        status: '0000',
        outcome: 'SUCCEEDED',
        message: stored.paypro.message,
        mpesaReceiptNumber: code,
        successTime: stored.paypro.successTime,
      },
      payout: JSON.parse(JSON.stringify(toView(stored))),
      matchedBy: 'platFormTradeNo',
    });
  });

  it("finds a payout the sandbox paid at once, which stores no platFormTradeNo, by Paypro's payout query, and not another of the same amount", async () => {
    // Prepare: two payouts of the same amount paid at once ('0000' in the answer to the payout
    // call): neither learns Paypro's platFormTradeNo. The other is created later, so asked first.
    const target = tradeNo('at-once');
    const other = tradeNo('at-once-other');
    await pay(target, SANDBOX_MOBILES.succeeds, 173);
    await pay(other, SANDBOX_MOBILES.succeeds, 173);
    await until(
      async () => [stack.sandbox.receiptOf(target), stack.sandbox.receiptOf(other)],
      (codes) => codes.every((code) => code !== undefined),
    );
    const stored = await Promise.all([target, other].map((id) => stack.deps.repository.get(id)));
    const expected = (id: string, payout: Payout | undefined) => {
      const code = stack.sandbox.receiptOf(id) as string;
      const paid = stack.sandbox.payouts.get(id);
      return {
        code,
        paypro: {
          platFormTradeNo: paid?.platFormTradeNo,
          amount: '173',
          status: '0000',
          outcome: 'SUCCEEDED',
          message: paid?.message,
          mpesaReceiptNumber: code,
          // Paypro's Kenya time is to the second.
          successTime: new Date(Math.floor(Number(paid?.successTime?.getTime()) / 1000) * 1000).toISOString(),
        },
        payout: JSON.parse(JSON.stringify(toView(payout as Payout))),
        matchedBy: 'query',
      };
    };

    // Act
    const replies = await Promise.all(
      [target, other].map((id) => lookUp(stack.sandbox.receiptOf(id) as string)),
    );

    // Assess
    expect(stored.map((p) => [p?.status, p?.paypro?.platFormTradeNo])).toEqual([
      ['SUCCEEDED', undefined],
      ['SUCCEEDED', undefined],
    ]);
    expect(replies.map((reply) => reply.statusCode)).toEqual([200, 200]);
    expect(bodyOf(replies[0] as (typeof replies)[number])).toEqual(expected(target, stored[0]));
    expect(bodyOf(replies[1] as (typeof replies)[number])).toEqual(expected(other, stored[1]));
  });

  it('answers 404 for a code Paypro does not know, and 400 naming code for a malformed one', async () => {
    // Act
    const unknown = await lookUp('ZZZZZZZZZ9');
    const malformed = await lookUp('SHL2A6');

    // Assess
    expect(unknown.statusCode).toBe(404);
    expect(bodyOf(unknown)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: expect.stringMatching(
        /^Paypro knows no M-Pesa transaction with receipt code ZZZZZZZZZ9 \(Paypro: .+\)\.$/,
      ),
    });
    expect(malformed.statusCode).toBe(400);
    expect(bodyOf(malformed).errors).toEqual([
      { field: 'code', message: 'must be an M-Pesa receipt code: 10 letters and digits, e.g. SHL2A6WAQU' },
    ]);
  });
});
