import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayoutHandler } from '../../functions/create-payout';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { type DailyCaps, dayKey, recipientKey } from '../../lib/limits/caps';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack } from '../support/stack';

let stack: Awaited<ReturnType<typeof startStack>>;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({ PAYPRO_TIMEOUT_MS: '5000' }, { slowMs: 1_500, settleMs: 200 });
});
afterAll(async () => {
  await stack?.close();
});

const ROOMY: DailyCaps = {
  dailyMaxAmount: 100_000_000,
  dailyMaxCount: 100_000,
  recipientDailyMaxAmount: 100_000_000,
  recipientDailyMaxCount: 100_000,
};

/** A clock that runs from `start`, so each test counts against a Kenya day of its own. */
function clockFrom(start: string): () => Date {
  const offset = Date.parse(start) - Date.now();
  return () => new Date(Date.now() + offset);
}

/** POST /payouts as the Lambda runs it, with these caps and this clock. */
function createWith(caps: Partial<DailyCaps>, now: () => Date) {
  const handler = createPayoutHandler({ ...stack.deps, dailyCaps: { ...ROOMY, ...caps }, now }, stack.config);
  return (body: Record<string, unknown>) =>
    handler(apiEvent({ body }), lambdaContext()) as Promise<APIGatewayProxyResult>;
}

function tradeNo(label: string): string {
  seq += 1;
  return `cap-${label}-${Date.now()}-${seq}`;
}

const capTotal = (key: string) => stack.deps.caps.read(key);

describe('daily caps on POST /payouts', () => {
  it('lets exactly 10 of 100 concurrent payouts through a daily count cap of 10, refusing 90 with 422', async () => {
    // Prepare
    const create = createWith({ dailyMaxCount: 10 }, clockFrom('2031-01-10T08:00:00Z'));
    const ids = Array.from({ length: 100 }, () => tradeNo('race'));

    // Act
    const replies = await Promise.all(
      ids.map((id) => create({ tradeNo: id, amount: 100, mobile: SANDBOX_MOBILES.succeeds })),
    );

    // Assess
    const accepted = ids.filter((_, i) => replies[i]?.statusCode !== 422);
    const refused = replies.filter((r) => r.statusCode === 422);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(90);
    expect(replies.filter((r) => r.statusCode === 201)).toHaveLength(10);
    for (const reply of refused) {
      expect(reply.headers?.['content-type']).toBe('application/problem+json');
      expect(bodyOf(reply)).toEqual({
        type: 'about:blank',
        title: 'Unprocessable Content',
        status: 422,
        detail: 'The payout would exceed the daily count cap for 2031-01-10 (Kenya time): limit 10, 0 left.',
        cap: 'dailyCount',
        limit: 10,
        remaining: 0,
        day: '2031-01-10',
      });
    }
    const sent = ids.reduce((sum, id) => sum + stack.sandbox.payoutCalls(id), 0);
    expect(sent).toBe(10);
    const recorded = await Promise.all(ids.map((id) => stack.deps.repository.get(id)));
    expect(recorded.filter((p) => p !== undefined).map((p) => p?.tradeNo)).toEqual(accepted);
    expect(await capTotal(dayKey('2031-01-10'))).toEqual({ amount: 1_000, count: 10 });
    expect(await capTotal(recipientKey(SANDBOX_MOBILES.succeeds, '2031-01-10'))).toEqual({
      amount: 1_000,
      count: 10,
    });
  });

  it('gives a FAILED payout’s share back, so it does not eat the day’s budget', async () => {
    // Prepare
    const create = createWith({ dailyMaxCount: 2 }, clockFrom('2031-01-11T08:00:00Z'));

    // Act
    const failed = await create({ tradeNo: tradeNo('fail'), amount: 500, mobile: SANDBOX_MOBILES.rejected });
    const first = await create({ tradeNo: tradeNo('ok'), amount: 100, mobile: SANDBOX_MOBILES.succeeds });
    const second = await create({ tradeNo: tradeNo('ok'), amount: 100, mobile: SANDBOX_MOBILES.succeeds });
    const third = await create({ tradeNo: tradeNo('over'), amount: 100, mobile: SANDBOX_MOBILES.succeeds });

    // Assess
    expect(bodyOf(failed).status).toBe('FAILED');
    expect([first.statusCode, second.statusCode, third.statusCode]).toEqual([201, 201, 422]);
    expect(await capTotal(dayKey('2031-01-11'))).toEqual({ amount: 200, count: 2 });
    expect(await capTotal(recipientKey(SANDBOX_MOBILES.rejected, '2031-01-11'))).toEqual({
      amount: 0,
      count: 0,
    });
  });

  it('rolls the counters over at the Kenya day boundary, 21:00 UTC', async () => {
    // Prepare
    const evening = createWith({ dailyMaxCount: 1 }, clockFrom('2031-01-12T20:59:58Z'));
    const nextDay = createWith({ dailyMaxCount: 1 }, clockFrom('2031-01-12T21:00:00Z'));
    const body = () => ({ tradeNo: tradeNo('day'), amount: 100, mobile: SANDBOX_MOBILES.succeeds });

    // Act
    const last = await evening(body());
    const refused = await evening(body());
    const first = await nextDay(body());

    // Assess
    expect([last.statusCode, refused.statusCode, first.statusCode]).toEqual([201, 422, 201]);
    expect(bodyOf(refused).day).toBe('2031-01-12');
    expect(await capTotal(dayKey('2031-01-12'))).toEqual({ amount: 100, count: 1 });
    expect(await capTotal(dayKey('2031-01-13'))).toEqual({ amount: 100, count: 1 });
  });

  it('names the amount cap, its limit and what is left', async () => {
    // Prepare
    const create = createWith({ dailyMaxAmount: 1_000 }, clockFrom('2031-01-20T08:00:00Z'));
    await create({ tradeNo: tradeNo('amt'), amount: 700, mobile: SANDBOX_MOBILES.succeeds });

    // Act
    const reply = await create({ tradeNo: tradeNo('amt'), amount: 400, mobile: SANDBOX_MOBILES.succeeds });

    // Assess
    expect(reply.statusCode).toBe(422);
    expect(bodyOf(reply)).toMatchObject({
      cap: 'dailyAmount',
      limit: 1_000,
      remaining: 300,
      day: '2031-01-20',
      detail:
        'The payout would exceed the daily amount cap for 2031-01-20 (Kenya time): limit 1000 KES, 300 KES left.',
    });
    expect(await capTotal(dayKey('2031-01-20'))).toEqual({ amount: 700, count: 1 });
  });

  it('caps each recipient apart, without counting a refused payout against the day', async () => {
    // Prepare
    const create = createWith({ recipientDailyMaxCount: 1 }, clockFrom('2031-01-14T08:00:00Z'));
    await create({ tradeNo: tradeNo('rcp'), amount: 100, mobile: SANDBOX_MOBILES.succeeds });

    // Act
    const again = await create({ tradeNo: tradeNo('rcp'), amount: 100, mobile: SANDBOX_MOBILES.succeeds });
    const other = await create({
      tradeNo: tradeNo('rcp'),
      amount: 100,
      mobile: SANDBOX_MOBILES.callsBackTwice,
    });

    // Assess
    expect(again.statusCode).toBe(422);
    expect(bodyOf(again)).toMatchObject({ cap: 'recipientDailyCount', limit: 1, remaining: 0 });
    expect(other.statusCode).toBe(201);
    expect(await capTotal(dayKey('2031-01-14'))).toEqual({ amount: 200, count: 2 });
  });

  it('answers a retry of a recorded payout with the payout, even when the day is full', async () => {
    // Prepare
    const create = createWith({ dailyMaxCount: 1 }, clockFrom('2031-01-15T08:00:00Z'));
    const body = { tradeNo: tradeNo('retry'), amount: 100, mobile: SANDBOX_MOBILES.succeeds };
    const first = await create(body);

    // Act
    const retry = await create(body);

    // Assess
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(200);
    expect(bodyOf(retry).tradeNo).toBe(body.tradeNo);
    expect(stack.sandbox.payoutCalls(body.tradeNo)).toBe(1);
    expect(await capTotal(dayKey('2031-01-15'))).toEqual({ amount: 100, count: 1 });
  });
});
