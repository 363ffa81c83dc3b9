import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { adminGetReceiptHandler } from '../../../../functions/admin-get-receipt';
import type { ReceiptDeps } from '../../../../lib/admin/receipt';
import type { DayRow } from '../../../../lib/admin/repository';
import { PayproUnknownOutcomeError } from '../../../../lib/errors';
import { type Payout, toView } from '../../../../lib/payouts/payout';
import type { RequestRejected } from '../../../../lib/paypro/client';
import type { ReceiptRecord } from '../../../../lib/paypro/float';
import { apiEvent, bodyOf, lambdaContext } from '../../../support/events';
import { InMemoryPayoutStore } from '../../../support/fakes/payout-store';
import { FAKE_SECRET } from '../../../support/fakes/secrets';

// 09:00 in Kenya on 2026-11-25.
const NOW = new Date('2026-11-25T06:00:00.000Z');
const PAID = {
  kind: 'found',
  platFormTradeNo: 'KE20261123000000456',
  amount: '100.0000',
  status: '0000',
  message: 'SUCCESS',
  mpesaReceiptNumber: 'SHL2A6WAQU',
  successTime: '2026-11-23 12:00:02',
} satisfies ReceiptRecord;
const ORDER: Payout = {
  tradeNo: 'order-1001',
  amount: 100,
  mobile: '254712345678',
  status: 'SUCCEEDED',
  requestHash: 'h',
  paypro: {
    serialNumber: 'sn-1',
    platFormTradeNo: 'KE20261123000000456',
    code: '0000',
    message: 'SUCCESS',
    successTime: '2026-11-23T09:00:02.000Z',
  },
  createdAt: '2026-11-22T20:59:00.000Z',
  updatedAt: '2026-11-23T09:00:02.000Z',
  history: [{ at: '2026-11-22T20:59:00.000Z', source: 'api', status: 'PENDING' }],
};

/** Paypro's Mpesa Query in memory: one answer for every code; the codes asked kept. */
function receiptApi(answer: ReceiptRecord | RequestRejected | 'unreachable') {
  const codes: string[] = [];
  return {
    codes,
    queryReceipt: async (_credentials: unknown, code: string) => {
      codes.push(code);
      if (answer === 'unreachable')
        throw new PayproUnknownOutcomeError('Paypro /api/queryResultByCode failed.');
      return answer;
    },
  };
}

/** The day index in memory: `rows` by platFormTradeNo and Kenya creation day; every search's days kept. */
function dayIndex(rows: Array<{ day: string; row: DayRow }>) {
  const searches: Array<{ platFormTradeNo: string; days: string[] }> = [];
  return {
    searches,
    findByPlatFormTradeNo: async (platFormTradeNo: string, days: readonly string[]) => {
      searches.push({ platFormTradeNo, days: [...days] });
      const hit = rows.find((r) => days.includes(r.day) && r.row.paypro.platFormTradeNo === platFormTradeNo);
      return hit?.row;
    },
  };
}

const rowOf = (p: Payout): DayRow => ({
  tradeNo: p.tradeNo,
  status: p.status,
  amount: p.amount,
  mobile: p.mobile,
  createdAt: p.createdAt,
  paypro: p.paypro ?? {},
  daySk: `${p.createdAt}#${p.tradeNo}`,
});

async function handlerWith(paypro: ReturnType<typeof receiptApi>, days = dayIndex([])) {
  const repository = new InMemoryPayoutStore();
  await repository.create(ORDER, '2099-01-01T00:00:00.000Z');
  const deps: ReceiptDeps = {
    paypro,
    secret: async () => FAKE_SECRET,
    days,
    repository,
    now: () => NOW,
  };
  return adminGetReceiptHandler(deps);
}

/** GET /admin/mpesa-receipts/{code} as API Gateway delivers it after the IAM check. */
function receiptEvent(code: string): APIGatewayProxyEvent {
  return {
    ...apiEvent({ method: 'GET', path: `/admin/mpesa-receipts/${code}`, pathParameters: { code } }),
    requestContext: {
      identity: { userArn: 'arn:aws:iam::123456789012:user/ops-alice' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

describe('GET /admin/mpesa-receipts/{code}', () => {
  it("answers Paypro's record and our payout it names, searching the payment's Kenya day and the two before", async () => {
    // Prepare: created 23:59 Kenya time the day before Paypro paid it.
    const paypro = receiptApi(PAID);
    const days = dayIndex([{ day: '2026-11-22', row: rowOf(ORDER) }]);
    const handler = await handlerWith(paypro, days);

    // Act: as an operator types it from the SMS, lower case and with a space.
    const reply = await handler(receiptEvent(' shl2a6waqu'), lambdaContext());

    // Assess
    expect(reply.statusCode).toBe(200);
    expect(bodyOf(reply)).toEqual({
      code: 'SHL2A6WAQU',
      paypro: {
        platFormTradeNo: 'KE20261123000000456',
        amount: '100.0000',
        status: '0000',
        outcome: 'SUCCEEDED',
        message: 'SUCCESS',
        mpesaReceiptNumber: 'SHL2A6WAQU',
        successTime: '2026-11-23T09:00:02.000Z',
      },
      payout: JSON.parse(JSON.stringify(toView(ORDER))),
    });
    expect(paypro.codes).toEqual(['SHL2A6WAQU']);
    expect(days.searches).toEqual([
      { platFormTradeNo: 'KE20261123000000456', days: ['2026-11-23', '2026-11-22', '2026-11-21'] },
    ]);
  });

  it('answers payout null when no payout of ours matches; without a time from Paypro it searches today and the two days before', async () => {
    // Prepare: Paypro still processing it, no success time yet.
    const { successTime: _none, ...processing } = { ...PAID, status: '0015', message: 'CREDIT_INPROGRESS' };
    const paypro = receiptApi(processing);
    const days = dayIndex([{ day: '2026-11-20', row: rowOf(ORDER) }]);
    const handler = await handlerWith(paypro, days);

    // Act
    const reply = await handler(receiptEvent('SHL2A6WAQU'), lambdaContext());

    // Assess
    expect(reply.statusCode).toBe(200);
    expect(bodyOf(reply)).toEqual({
      code: 'SHL2A6WAQU',
      paypro: {
        platFormTradeNo: 'KE20261123000000456',
        amount: '100.0000',
        status: '0015',
        outcome: 'PROCESSING',
        message: 'CREDIT_INPROGRESS',
        mpesaReceiptNumber: 'SHL2A6WAQU',
      },
      payout: null,
    });
    expect(days.searches).toEqual([
      { platFormTradeNo: 'KE20261123000000456', days: ['2026-11-25', '2026-11-24', '2026-11-23'] },
    ]);
  });

  it('answers 400 naming code for a malformed code, and asks Paypro nothing', async () => {
    // Prepare
    const paypro = receiptApi(PAID);
    const handler = await handlerWith(paypro);

    // Act
    const replies = await Promise.all(
      ['SHL2A6WAQ', 'SHL2A6WAQUU', 'SHL2A6-AQU'].map((code) => handler(receiptEvent(code), lambdaContext())),
    );

    // Assess
    for (const reply of replies) {
      expect(reply.statusCode).toBe(400);
      expect(bodyOf(reply)).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'code: must be an M-Pesa receipt code: 10 letters and digits, e.g. SHL2A6WAQU',
        errors: [
          {
            field: 'code',
            message: 'must be an M-Pesa receipt code: 10 letters and digits, e.g. SHL2A6WAQU',
          },
        ],
        problemCount: 1,
      });
    }
    expect(paypro.codes).toEqual([]);
  });

  it("answers 404 with Paypro's refusal when Paypro does not know the code", async () => {
    // Prepare
    const paypro = receiptApi({ kind: 'rejected', code: '1005', message: 'ORDER_NOT_EXIST' });
    const days = dayIndex([]);
    const handler = await handlerWith(paypro, days);

    // Act
    const reply = await handler(receiptEvent('SHL2A6WAQX'), lambdaContext());

    // Assess
    expect(reply.statusCode).toBe(404);
    expect(bodyOf(reply)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail:
        'Paypro knows no M-Pesa transaction with receipt code SHL2A6WAQX (Paypro: 1005 ORDER_NOT_EXIST).',
    });
    expect(days.searches).toEqual([]);
  });

  it('answers 503 when Paypro cannot be asked', async () => {
    // Prepare
    const paypro = receiptApi('unreachable');
    const handler = await handlerWith(paypro);

    // Act
    const reply = await handler(receiptEvent('SHL2A6WAQU'), lambdaContext());

    // Assess
    expect(reply.statusCode).toBe(503);
    expect(bodyOf(reply)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'Paypro could not be asked about this receipt code; try again later.',
    });
  });
});
