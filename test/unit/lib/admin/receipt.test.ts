import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { adminGetReceiptHandler } from '../../../../functions/admin-get-receipt';
import { MAX_QUERIED_CANDIDATES, type ReceiptDeps } from '../../../../lib/admin/receipt';
import type { DayRow } from '../../../../lib/admin/repository';
import { PayproUnknownOutcomeError } from '../../../../lib/errors';
import { type Payout, type PayoutStatus, toView } from '../../../../lib/payouts/payout';
import type { PayoutRecord, RequestRejected } from '../../../../lib/paypro/client';
import type { ReceiptRecord } from '../../../../lib/paypro/float-answers';
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

/**
 * Paypro's Mpesa Query in memory: one answer for every code; its payout query answers `payouts`
 * by tradeNo (unknown ones refused, 'unreachable' throws); the codes and tradeNos asked kept.
 */
function receiptApi(
  answer: ReceiptRecord | RequestRejected | 'unreachable',
  payouts: Record<string, PayoutRecord | 'unreachable'> = {},
) {
  const codes: string[] = [];
  const queried: string[] = [];
  return {
    codes,
    queried,
    queryReceipt: async (_credentials: unknown, code: string) => {
      codes.push(code);
      if (answer === 'unreachable')
        throw new PayproUnknownOutcomeError('Paypro /api/queryResultByCode failed.');
      return answer;
    },
    queryPayout: async (_credentials: unknown, tradeNo: string): Promise<PayoutRecord | RequestRejected> => {
      queried.push(tradeNo);
      const record = payouts[tradeNo];
      if (record === 'unreachable')
        throw new PayproUnknownOutcomeError('Paypro /api/queryPayOutResult failed.');
      return record ?? { kind: 'rejected', code: '1005', message: 'ORDER_NOT_EXIST' };
    },
  };
}

/**
 * The day index in memory: `rows` by Kenya creation day; every search's arguments kept. Its
 * unreferenced search keeps the day index's order: days as given, latest created first.
 */
function dayIndex(rows: Array<{ day: string; row: DayRow }>) {
  const searches: Array<{ platFormTradeNo: string; days: string[] }> = [];
  const unreferenced: Array<{ days: string[]; wanted: Record<string, unknown>; limit: number }> = [];
  return {
    searches,
    unreferenced,
    findByPlatFormTradeNo: async (platFormTradeNo: string, days: readonly string[]) => {
      searches.push({ platFormTradeNo, days: [...days] });
      const hit = rows.find((r) => days.includes(r.day) && r.row.paypro.platFormTradeNo === platFormTradeNo);
      return hit?.row;
    },
    findUnreferenced: async (
      days: readonly string[],
      wanted: { amount: number; status: PayoutStatus; before?: string },
      limit: number,
    ) => {
      unreferenced.push({ days: [...days], wanted, limit });
      const kept = (r: { day: string; row: DayRow }) =>
        r.row.amount === wanted.amount &&
        r.row.status === wanted.status &&
        r.row.paypro.platFormTradeNo === undefined &&
        (wanted.before === undefined || r.row.daySk < wanted.before);
      return days
        .flatMap((day) =>
          rows
            .filter((r) => r.day === day && kept(r))
            .map((r) => r.row)
            .sort((a, b) => (a.daySk < b.daySk ? 1 : -1)),
        )
        .slice(0, limit);
    },
  };
}

/** A payout Paypro paid at once: SUCCEEDED from its answer to the payout call, no platFormTradeNo. */
function unreferenced(tradeNo: string, amount: number, createdAt: string): Payout {
  return {
    ...ORDER,
    tradeNo,
    amount,
    paypro: { serialNumber: `sn-${tradeNo}`, code: '0000', message: 'SUCCESS' },
    createdAt,
    updatedAt: createdAt,
    history: [
      { at: createdAt, source: 'api', status: 'PENDING' },
      { at: createdAt, source: 'paypro-payout', status: 'SUCCEEDED', code: '0000', message: 'SUCCESS' },
    ],
  };
}

/** Paypro's payout query answer: paid, under its own reference `platFormTradeNo`. */
function queryAnswer(tradeNo: string, platFormTradeNo: string, amount = '100.0000'): PayoutRecord {
  return {
    kind: 'found',
    platFormTradeNo,
    tradeNo,
    amount,
    status: '0000',
    message: 'SUCCESS',
    successTime: '2026-11-23 12:00:02',
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

async function handlerWith(paypro: ReturnType<typeof receiptApi>, days = dayIndex([]), stored = [ORDER]) {
  const repository = new InMemoryPayoutStore();
  for (const payout of stored) await repository.create(payout, '2099-01-01T00:00:00.000Z');
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
      matchedBy: 'platFormTradeNo',
    });
    expect(paypro.codes).toEqual(['SHL2A6WAQU']);
    expect(paypro.queried).toEqual([]);
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
    expect(days.unreferenced).toEqual([
      {
        days: ['2026-11-25', '2026-11-24', '2026-11-23'],
        wanted: { amount: 100, status: 'PROCESSING' },
        limit: MAX_QUERIED_CANDIDATES + 1,
      },
    ]);
    expect(paypro.queried).toEqual([]);
  });

  it("finds a payout Paypro paid at once, which stores no platFormTradeNo, by asking Paypro's payout query about our payouts that could be it", async () => {
    // Prepare: order-1002 was paid at once (0000 in Paypro's answer to the payout call), so it
    // stores no platFormTradeNo; order-1003 has the same amount and status but is another
    // transaction; the others have another amount or were created after the payment.
    const receipt = { ...PAID, platFormTradeNo: 'KE20261123000000789' };
    const atOnce = unreferenced('order-1002', 100, '2026-11-23T08:59:58.000Z');
    const sameAmount = unreferenced('order-1003', 100, '2026-11-23T09:00:01.000Z');
    const otherAmount = unreferenced('order-1004', 150, '2026-11-23T09:00:00.000Z');
    const afterPayment = unreferenced('order-1005', 100, '2026-11-23T09:05:00.000Z');
    const stored = [ORDER, atOnce, sameAmount, otherAmount, afterPayment];
    const paypro = receiptApi(receipt, {
      'order-1002': queryAnswer('order-1002', 'KE20261123000000789'),
      'order-1003': queryAnswer('order-1003', 'KE20261123000000999'),
    });
    const days = dayIndex(stored.map((p) => ({ day: '2026-11-23', row: rowOf(p) })));
    const handler = await handlerWith(paypro, days, stored);

    // Act
    const reply = await handler(receiptEvent('SHL2A6WAQU'), lambdaContext());

    // Assess: the latest created is asked first; only the one Paypro names matches.
    expect(reply.statusCode).toBe(200);
    expect(bodyOf(reply)).toEqual({
      code: 'SHL2A6WAQU',
      paypro: {
        platFormTradeNo: 'KE20261123000000789',
        amount: '100.0000',
        status: '0000',
        outcome: 'SUCCEEDED',
        message: 'SUCCESS',
        mpesaReceiptNumber: 'SHL2A6WAQU',
        successTime: '2026-11-23T09:00:02.000Z',
      },
      payout: JSON.parse(JSON.stringify(toView(atOnce))),
      matchedBy: 'query',
    });
    expect(paypro.queried).toEqual(['order-1003', 'order-1002']);
    expect(days.unreferenced).toEqual([
      {
        days: ['2026-11-23', '2026-11-22', '2026-11-21'],
        wanted: { amount: 100, status: 'SUCCEEDED', before: '2026-11-23T09:01:02.000Z' },
        limit: MAX_QUERIED_CANDIDATES + 1,
      },
    ]);
  });

  it('asks Paypro about at most MAX_QUERIED_CANDIDATES payouts, latest created first, and says the search was cut when more could be it', async () => {
    // Prepare: a payroll's worth of 2000 KES payouts paid at once, none of them this receipt's.
    const receipt = { ...PAID, platFormTradeNo: 'KE20261123000000789', amount: '2000.0000' };
    const payroll = Array.from({ length: MAX_QUERIED_CANDIDATES + 5 }, (_, n) =>
      unreferenced(
        `pay-${String(n).padStart(2, '0')}`,
        2000,
        `2026-11-23T08:${String(n).padStart(2, '0')}:00.000Z`,
      ),
    );
    const paypro = receiptApi(
      receipt,
      Object.fromEntries(
        payroll.map((p) => [p.tradeNo, queryAnswer(p.tradeNo, `KE-${p.tradeNo}`, '2000.0000')]),
      ),
    );
    const days = dayIndex(payroll.map((p) => ({ day: '2026-11-23', row: rowOf(p) })));
    const handler = await handlerWith(paypro, days, payroll);

    // Act
    const reply = await handler(receiptEvent('SHL2A6WAQU'), lambdaContext());

    // Assess
    expect(reply.statusCode).toBe(200);
    expect(bodyOf(reply)).toEqual({
      code: 'SHL2A6WAQU',
      paypro: {
        platFormTradeNo: 'KE20261123000000789',
        amount: '2000.0000',
        status: '0000',
        outcome: 'SUCCEEDED',
        message: 'SUCCESS',
        mpesaReceiptNumber: 'SHL2A6WAQU',
        successTime: '2026-11-23T09:00:02.000Z',
      },
      payout: null,
      note:
        `Search cut: more than ${MAX_QUERIED_CANDIDATES} of our payouts of 2000 KES with no Paypro reference ` +
        `could be this one; Paypro was asked about the ${MAX_QUERIED_CANDIDATES} created latest before the ` +
        'payment, and none is it. Look for it by amount and time in the daily report.',
    });
    const latestFirst = payroll.map((p) => p.tradeNo).reverse();
    expect([...paypro.queried].sort()).toEqual(latestFirst.slice(0, MAX_QUERIED_CANDIDATES).sort());
  });

  it('stops asking once Paypro does not answer, and says how many it could not ask about', async () => {
    // Prepare: seven payouts that could be it; Paypro does not answer about the latest, and the
    // oldest (which Paypro would name) comes after the first five asked at once.
    const receipt = { ...PAID, platFormTradeNo: 'KE20261123000000789' };
    const candidates = Array.from({ length: 7 }, (_, n) =>
      unreferenced(`cand-${n}`, 100, `2026-11-23T08:5${n}:00.000Z`),
    );
    const paypro = receiptApi(receipt, {
      'cand-0': queryAnswer('cand-0', 'KE20261123000000789'),
      ...Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`cand-${n}`, queryAnswer(`cand-${n}`, `KE-${n}`)])),
      'cand-6': 'unreachable',
    });
    const days = dayIndex(candidates.map((p) => ({ day: '2026-11-23', row: rowOf(p) })));
    const handler = await handlerWith(paypro, days, candidates);

    // Act
    const reply = await handler(receiptEvent('SHL2A6WAQU'), lambdaContext());

    // Assess
    expect(reply.statusCode).toBe(200);
    expect(bodyOf(reply)).toEqual({
      code: 'SHL2A6WAQU',
      paypro: {
        platFormTradeNo: 'KE20261123000000789',
        amount: '100.0000',
        status: '0000',
        outcome: 'SUCCEEDED',
        message: 'SUCCESS',
        mpesaReceiptNumber: 'SHL2A6WAQU',
        successTime: '2026-11-23T09:00:02.000Z',
      },
      payout: null,
      note: 'Paypro could not be asked about 3 of our payouts that could be this one (it did not answer); try again later.',
    });
    expect(paypro.queried).toEqual(['cand-6', 'cand-5', 'cand-4', 'cand-3', 'cand-2']);
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
