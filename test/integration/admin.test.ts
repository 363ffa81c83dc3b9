import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminDailyReportHandler } from '../../functions/admin-daily-report';
import { adminListPayoutsHandler } from '../../functions/admin-list-payouts';
import { adminResolvePayoutHandler } from '../../functions/admin-resolve-payout';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { PayoutDayIndex } from '../../lib/admin/repository';
import { recipientKey } from '../../lib/limits/caps';
import { requestHash } from '../../lib/payouts/create';
import { type Payout, type PayoutStatus, toView } from '../../lib/payouts/payout';
import { kenyaDate, kenyaDayStart } from '../../lib/shared/kenya-time';
import { maskMobile } from '../../lib/shared/mask';
import { createDocumentClient } from '../../lib/wiring/payouts';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { recordCrashedPayout, startStack } from '../support/stack';
import { settledAtSandbox } from '../support/wait';

let stack: Awaited<ReturnType<typeof startStack>>;
let seq = 0;
const OPERATOR = 'arn:aws:iam::123456789012:user/ops-alice';

// The seeded payouts live on these Kenya days, far from the payouts the resolve tests create today.
const DAYS = ['2031-03-01', '2031-03-02', '2031-03-03', '2031-03-04', '2031-03-05'];
const STATUSES: PayoutStatus[] = ['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED'];
let seeded: Payout[] = [];
/** Every DynamoDB command the list and report handlers sent. */
const sent: Array<{ name: string; input: Record<string, unknown> }> = [];

function days() {
  const client = createDocumentClient();
  const recording = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return client.send(command as never);
    },
  };
  return new PayoutDayIndex(recording as never, stack.config.payoutsTable);
}

/** An API Gateway event as an AWS_IAM route delivers it: the caller's IAM ARN in its identity. */
function adminEvent(
  options: Parameters<typeof apiEvent>[0],
  identity: Record<string, unknown> = { userArn: OPERATOR },
): APIGatewayProxyEvent {
  return {
    ...apiEvent(options),
    requestContext: { identity } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

function tradeNo(label: string): string {
  seq += 1;
  return `adm-${label}-${Date.now()}-${seq}`;
}

/** When seed i was created: 41 minutes apart, batches of five together, two astride a Kenya midnight. */
function seedTime(i: number, base: number): string {
  if (i === 200) return kenyaDayStart('2031-03-03');
  if (i === 201) return new Date(Date.parse(kenyaDayStart('2031-03-03')) - 1).toISOString();
  const slot = i < 100 ? Math.floor(i / 5) : i - 80;
  return new Date(base + slot * 41 * 60_000 + (slot % 3) * 7).toISOString();
}

/** Paypro's details for a seed in its status; messages that would break a naive CSV included. */
function seedPaypro(i: number, status: PayoutStatus, at: string): Payout['paypro'] {
  if (status === 'SUCCEEDED') {
    return {
      serialNumber: `sn-${i}`,
      platFormTradeNo: `pf-${i}`,
      code: '0000',
      message: 'SUCCESS',
      successTime: at,
    };
  }
  if (status !== 'FAILED') return {};
  const messages: Record<number, string> = {
    3: 'REJECTED, "see" note',
    7: '=HYPERLINK("http://x.test","y")',
  };
  return { serialNumber: `sn-${i}`, code: '00029', message: messages[i] ?? 'REJECTED_TRANSACTION' };
}

/**
 * 250 payouts over five Kenya days: 20 batches of 5 items sharing a createdAt, then singles
 * 41 minutes apart, every status, some flagged, and two on either side of a Kenya midnight.
 */
function seeds(): Payout[] {
  const base = Date.parse(kenyaDayStart(DAYS[0] as string));
  return Array.from({ length: 250 }, (_, i) => {
    const at = seedTime(i, base);
    const status = STATUSES[i % 4] as PayoutStatus;
    const mobile = `25471${String(i).padStart(7, '0')}`;
    return {
      tradeNo: `seed-${String(i).padStart(3, '0')}`,
      amount: 100 + i,
      mobile,
      status,
      requestHash: requestHash({ amount: 100 + i, mobile }),
      paypro: seedPaypro(i, status, at),
      ...(i < 100 && { batchId: `batch-${Math.floor(i / 5)}` }),
      ...(status !== 'SUCCEEDED' && status !== 'FAILED' && i % 8 < 2 && { flaggedAt: at }),
      createdAt: at,
      updatedAt: at,
      history: [{ at, source: 'api', status: 'PENDING', note: 'payout requested' }],
    } satisfies Payout;
  });
}

/** Newest first, creation time then tradeNo, as the list promises. */
const newestFirst = (a: Payout, b: Payout) =>
  `${b.createdAt}#${b.tradeNo}` < `${a.createdAt}#${a.tradeNo}` ? -1 : 1;

/** What the list shows of a payout. */
function line(p: Payout) {
  return {
    tradeNo: p.tradeNo,
    status: p.status,
    amount: p.amount,
    mobile: maskMobile(p.mobile),
    createdAt: p.createdAt,
    paypro: p.paypro,
    ...(p.batchId !== undefined && { batchId: p.batchId }),
    ...(p.flaggedAt !== undefined && { flaggedAt: p.flaggedAt }),
  };
}

beforeAll(async () => {
  stack = await startStack({}, { slowMs: 1_500, settleMs: 200 });
  // Callbacks never get through: only an operator closes the payouts these tests leave open.
  stack.callbacks.accepting = false;
  seeded = seeds();
  for (let i = 0; i < seeded.length; i += 25) {
    await Promise.all(
      seeded.slice(i, i + 25).map((p) => stack.deps.repository.create(p, '2099-01-01T00:00:00.000Z')),
    );
  }
});
afterAll(async () => {
  await stack?.close();
});

describe('operator API: who may call it', () => {
  it('answers 403 on every admin route when the request carries no operator identity', async () => {
    // Prepare: no identity at all, and the placeholders serverless-offline puts on other routes.
    const anonymous = [{}, { userArn: 'offlineContext_userArn' }];
    const handlers = [
      adminListPayoutsHandler({ days: days(), now: () => new Date() }),
      adminDailyReportHandler({ days: days() }),
      adminResolvePayoutHandler(stack.deps),
    ];
    for (const identity of anonymous) {
      for (const handler of handlers) {
        // Act
        const reply = await handler(
          adminEvent(
            {
              method: 'POST',
              body: { to: 'FAILED', reason: 'x' },
              pathParameters: { tradeNo: 'seed-000' },
              queryStringParameters: { date: '2031-03-01' },
            },
            identity,
          ),
          lambdaContext(),
        );
        // Assess
        expect(reply.statusCode).toBe(403);
        expect(bodyOf(reply)).toEqual({
          type: 'about:blank',
          title: 'Forbidden',
          status: 403,
          detail: 'Forbidden.',
        });
      }
    }
    expect((await stack.deps.repository.get('seed-000'))?.status).toBe('PENDING');
  });
});

describe('GET /admin/payouts', () => {
  const list = (query: Record<string, string>, now = () => new Date()) =>
    adminListPayoutsHandler({ days: days(), now })(
      adminEvent({ method: 'GET', path: '/admin/payouts', queryStringParameters: query }),
      lambdaContext(),
    );

  /** Every page, following nextCursor; the pages' sizes and tradeNos. */
  async function allPages(query: Record<string, string>) {
    const sizes: number[] = [];
    const tradeNos: string[] = [];
    let cursor: string | undefined;
    do {
      const reply = await list({ ...query, ...(cursor && { cursor }) });
      expect(reply.statusCode).toBe(200);
      const body = bodyOf(reply) as { payouts: Array<{ tradeNo: string }>; nextCursor?: string };
      sizes.push(body.payouts.length);
      tradeNos.push(...body.payouts.map((p) => p.tradeNo));
      cursor = body.nextCursor;
    } while (cursor && sizes.length < 100);
    return { sizes, tradeNos };
  }

  it('pages through 250 payouts newest first, without duplicates or gaps, reading only the day index', async () => {
    // Prepare
    const expected = [...seeded].sort(newestFirst).map((p) => p.tradeNo);
    sent.length = 0;
    // Act
    const { sizes, tradeNos } = await allPages({ from: '2031-03-01', to: '2031-03-05', limit: '7' });
    // Assess
    expect(tradeNos).toEqual(expected);
    expect(new Set(tradeNos).size).toBe(250);
    expect(sizes).toEqual([...Array(35).fill(7), 5]);
    // Never the table, never a scan: queries of the payouts-by-day index only.
    expect(new Set(sent.map((c) => `${c.name} ${String(c.input.IndexName)}`))).toEqual(
      new Set(['QueryCommand payouts-by-day']),
    );
  });

  it('shows each payout with its status, masked mobile, Paypro references, batch and flag', async () => {
    const [first, second] = [...seeded].sort(newestFirst);

    const reply = await list({ from: '2031-03-01', to: '2031-03-05', limit: '2' });

    expect(reply.statusCode).toBe(200);
    expect(bodyOf(reply)).toEqual({
      payouts: [line(first as Payout), line(second as Payout)],
      nextCursor: expect.any(String),
    });
    const batchItem = seeded.find((p) => p.status === 'FAILED' && p.batchId) as Payout;
    const failed = bodyOf(
      await list({ from: '2031-03-01', to: '2031-03-01', status: 'FAILED', limit: '100' }),
    );
    expect(failed.payouts).toContainEqual(line(batchItem));
    expect(JSON.stringify(failed)).not.toContain(batchItem.mobile);
  });

  it('filters by status, by flag and by creation time (instants with offsets, Kenya days)', async () => {
    const byTime = (from: string, to: string) =>
      [...seeded]
        .filter((p) => p.createdAt >= from && p.createdAt <= to)
        .sort(newestFirst)
        .map((p) => p.tradeNo);
    const all = { from: '2031-03-01', to: '2031-03-05', limit: '9' };

    const failed = await allPages({ ...all, status: 'FAILED' });
    const flagged = await allPages({ ...all, flagged: 'true' });
    const pendingUnflagged = await allPages({ ...all, status: 'PENDING', flagged: 'false' });
    const window = await allPages({ from: '2031-03-02T10:00:00+03:00', to: '2031-03-03T00:00:00+03:00' });
    const oneDay = await allPages({ from: '2031-03-02', to: '2031-03-02' });

    const sorted = [...seeded].sort(newestFirst);
    expect(failed.tradeNos).toEqual(sorted.filter((p) => p.status === 'FAILED').map((p) => p.tradeNo));
    expect(flagged.tradeNos).toEqual(sorted.filter((p) => p.flaggedAt).map((p) => p.tradeNo));
    expect(flagged.tradeNos.length).toBeGreaterThan(10);
    expect(pendingUnflagged.tradeNos).toEqual(
      sorted.filter((p) => p.status === 'PENDING' && !p.flaggedAt).map((p) => p.tradeNo),
    );
    // Both ends inclusive: seed-200 was created at exactly 00:00 Kenya time on the 3rd.
    expect(window.tradeNos).toEqual(byTime('2031-03-02T07:00:00.000Z', '2031-03-02T21:00:00.000Z'));
    expect(window.tradeNos[0]).toBe('seed-200');
    expect(oneDay.tradeNos).toEqual(
      sorted.filter((p) => kenyaDate(p.createdAt) === '2031-03-02').map((p) => p.tradeNo),
    );
    expect(oneDay.tradeNos[0]).toBe('seed-201'); // 23:59:59.999 on the 2nd
  });

  it('defaults to the week up to now', async () => {
    // Noon on the 5th, Kenya time: the week is the 27th of February (6 days before) to now.
    const now = new Date(Date.parse(kenyaDayStart('2031-03-05')) + 12 * 3600_000);

    const reply = await list({ limit: '100' }, () => now);

    const expected = [...seeded]
      .filter((p) => p.createdAt <= now.toISOString())
      .sort(newestFirst)
      .slice(0, 100)
      .map((p) => p.tradeNo);
    expect((bodyOf(reply).payouts as Array<{ tradeNo: string }>).map((p) => p.tradeNo)).toEqual(expected);
  });

  it('pages the default week across 21:00 UTC (a Kenya midnight) with limit 1: every payout exactly once', async () => {
    // Prepare: payouts on both sides of two Kenya midnights, at the week's oldest edge and at its newest.
    const K = (day: string) => Date.parse(kenyaDayStart(day));
    const at = (ms: number) => new Date(ms).toISOString();
    const seededAt = {
      beforeWeek: at(K('2031-04-02') - 1), // 23:59:59.999 on the 1st (Kenya): outside the week
      weekStart: at(K('2031-04-02')), // 00:00 on the 2nd: the oldest instant of the week
      oldestDayEnd: at(K('2031-04-03') - 1),
      secondDayStart: at(K('2031-04-03')),
      beforeNow: at(K('2031-04-09') - 60_000), // 20:59 UTC on the 8th
      afterNow: at(K('2031-04-09') + 30_000), // 21:00:30 UTC: after the first page was asked
    };
    const payouts = Object.entries(seededAt).map(([label, createdAt], i) => ({
      tradeNo: tradeNo(`midnight-${label}`),
      amount: 500 + i,
      mobile: '254712000500',
      status: 'PROCESSING' as const,
      requestHash: requestHash({ amount: 500 + i, mobile: '254712000500' }),
      paypro: {},
      createdAt,
      updatedAt: createdAt,
      history: [
        { at: createdAt, source: 'api' as const, status: 'PENDING' as const, note: 'payout requested' },
      ],
    }));
    await Promise.all(payouts.map((p) => stack.deps.repository.create(p, '2099-01-01T00:00:00.000Z')));
    const byLabel = Object.fromEntries(Object.keys(seededAt).map((label, i) => [label, payouts[i]?.tradeNo]));
    // The first page at 20:59:30 UTC on the 8th (Kenya), every later one after 21:00 UTC: the 9th.
    let calls = 0;
    const clock = () => {
      calls += 1;
      return new Date(calls === 1 ? K('2031-04-09') - 30_000 : K('2031-04-09') + 60_000);
    };
    const seen: string[] = [];
    let cursor: string | undefined;
    // Act
    do {
      const reply = await list({ limit: '1', ...(cursor && { cursor }) }, clock);
      expect(reply.statusCode, reply.body).toBe(200);
      const body = bodyOf(reply) as { payouts: Array<{ tradeNo: string }>; nextCursor?: string };
      seen.push(...body.payouts.map((p) => p.tradeNo));
      cursor = body.nextCursor;
    } while (cursor && calls < 20);
    // Assess: newest first, the week as the first page resolved it, nothing twice, nothing lost.
    expect(seen).toEqual([
      byLabel.beforeNow,
      byLabel.secondDayStart,
      byLabel.oldestDayEnd,
      byLabel.weekStart,
    ]);
  });

  it('answers 400 naming cursor when a cursor comes back with other parameters than the page that gave it', async () => {
    // Prepare: a cursor at the newest payout of the 5th of March, listed over the whole seeded range.
    const query = { from: '2031-03-01', to: '2031-03-05', limit: '1' };
    const first = bodyOf(await list(query)) as { nextCursor: string };
    const cursor = first.nextCursor;
    const others: Array<Record<string, string>> = [
      { from: '2031-03-05T23:00:00+03:00', to: '2031-03-05' }, // a range that ends before the cursor's row
      { from: '2031-03-02', to: '2031-03-05' },
      { from: '2031-03-01', to: '2031-03-04' },
      { to: '2031-03-05' },
      { ...query, status: 'FAILED' },
      { ...query, flagged: 'true' },
      {},
    ];
    for (const other of others) {
      // Act
      const reply = await list({ ...other, cursor });
      // Assess
      expect(reply.statusCode, JSON.stringify(other)).toBe(400);
      expect(bodyOf(reply).errors, JSON.stringify(other)).toEqual([
        { field: 'cursor', message: expect.stringContaining('other parameters') },
      ]);
    }
    // The page size is not part of the listing: a cursor goes on with another limit.
    const next = await list({ ...query, limit: '3', cursor });
    expect(next.statusCode).toBe(200);
    expect((bodyOf(next).payouts as unknown[]).length).toBe(3);
  });

  it('answers 400 naming the parameter: unknown, bad status, span over 31 days, bad cursor, bad limit', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ bogus: '1' }, 'bogus'],
      [{ status: 'DONE' }, 'status'],
      [{ from: '2031-01-01', to: '2031-03-05' }, 'from'],
      [{ from: '2031-03-05', to: '2031-03-01' }, 'from'],
      [{ from: 'yesterday' }, 'from'],
      [{ cursor: 'bm90LWEtY3Vyc29y' }, 'cursor'],
      [{ limit: '101' }, 'limit'],
      [{ flagged: 'yes' }, 'flagged'],
    ];
    for (const [query, field] of cases) {
      const reply = await list(query);
      expect(reply.statusCode, JSON.stringify(query)).toBe(400);
      expect((bodyOf(reply).errors as Array<{ field: string }>).map((e) => e.field)).toEqual([field]);
    }
  });
  it('takes limit only as decimal digits, and names only parameters the caller sent', async () => {
    // Prepare
    const notDigits = ['0x10', '1e1', ' 5', '+5', '5.0', '٥', ''];
    // Act
    const limits = await Promise.all(notDigits.map((limit) => list({ limit })));
    const farTo = await list({ to: '9999-12-31T23:59:59Z' });
    const farToOffset = await list({ to: '9999-12-31T22:00:00-05:00' });
    const futureFrom = await list({ from: '2099-01-01' });
    const oldFrom = await list({ from: '2000-01-01' });
    const digits = await list({ from: '2031-03-01', to: '2031-03-05', limit: '007' });
    // Assess
    limits.forEach((reply, i) => {
      expect(reply.statusCode, notDigits[i]).toBe(400);
      expect(bodyOf(reply).errors, notDigits[i]).toEqual([
        { field: 'limit', message: 'must be a whole number from 1 to 100, in decimal digits' },
      ]);
    });
    // A to past the calendar is named as `to`, not as a `from` the caller never sent.
    for (const reply of [farTo, farToOffset]) {
      expect(reply.statusCode).toBe(400);
      expect(bodyOf(reply).errors).toEqual([
        { field: 'to', message: 'must be between 0001-01-01 and 9999-12-31, Kenya time' },
      ]);
    }
    // Without `to`, it is now: the message says so rather than naming a `to` the caller never sent.
    expect(bodyOf(futureFrom).errors).toEqual([
      { field: 'from', message: 'must not be after now (to, when not given)' },
    ]);
    expect(bodyOf(oldFrom).errors).toEqual([
      { field: 'from', message: 'must be at most 31 days before now (to, when not given)' },
    ]);
    expect(digits.statusCode).toBe(200);
    expect((bodyOf(digits).payouts as unknown[]).length).toBe(7);
  });
});

describe('GET /admin/reports/daily.csv', () => {
  const report = (query: Record<string, string>, maxRows?: number) =>
    adminDailyReportHandler({ days: days(), ...(maxRows && { maxRows }) })(
      adminEvent({ method: 'GET', path: '/admin/reports/daily.csv', queryStringParameters: query }),
      lambdaContext(),
    );
  const rows = (csv: string) =>
    parse(csv, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;

  it('lists every payout of the Kenya day, oldest first, as RFC 4180 CSV a real parser reads', async () => {
    // Prepare
    const day = seeded.filter((p) => kenyaDate(p.createdAt) === '2031-03-01');
    const oldestFirst = [...day].sort(newestFirst).reverse();
    // Act
    const reply = await report({ date: '2031-03-01' });
    // Assess
    expect(reply.statusCode).toBe(200);
    expect(reply.headers).toEqual({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="payouts-2031-03-01.csv"',
    });
    expect(reply.body.split('\r\n')[0]).toBe(
      'tradeNo,createdAt,status,amount,mobile,batchId,serialNumber,platFormTradeNo,payproCode,payproMessage,successTime,flaggedAt',
    );
    expect(rows(reply.body)).toEqual(
      oldestFirst.map((p) => ({
        tradeNo: p.tradeNo,
        createdAt: p.createdAt,
        status: p.status,
        amount: String(p.amount),
        mobile: maskMobile(p.mobile),
        batchId: p.batchId ?? '',
        serialNumber: p.paypro?.serialNumber ?? '',
        platFormTradeNo: p.paypro?.platFormTradeNo ?? '',
        payproCode: p.paypro?.code ?? '',
        // A formula from Paypro's text is shown, never run.
        payproMessage: p.paypro?.message?.startsWith('=')
          ? `'${p.paypro.message}`
          : (p.paypro?.message ?? ''),
        successTime: p.paypro?.successTime ?? '',
        flaggedAt: p.flaggedAt ?? '',
      })),
    );
    expect(rows(reply.body).find((r) => r.tradeNo === 'seed-003')?.payproMessage).toBe(
      'REJECTED, "see" note',
    );
    expect(reply.body).not.toMatch(/2547\d{8}/);
  });

  it('adds up, day by day, to what the table holds: counts and amounts per status', async () => {
    // Prepare: the table's own totals, read item by item.
    const table: Record<string, { count: number; amount: number }> = {};
    for (const p of seeded) {
      const stored = (await stack.deps.repository.get(p.tradeNo)) as Payout;
      const t = table[stored.status] ?? { count: 0, amount: 0 };
      table[stored.status] = { count: t.count + 1, amount: t.amount + stored.amount };
    }
    // Act
    const csv: Record<string, { count: number; amount: number }> = {};
    for (const date of DAYS) {
      const reply = await report({ date });
      for (const row of rows(reply.body)) {
        expect(kenyaDate(row.createdAt as string)).toBe(date);
        const t = csv[row.status as string] ?? { count: 0, amount: 0 };
        csv[row.status as string] = { count: t.count + 1, amount: t.amount + Number(row.amount) };
      }
    }
    // Assess
    expect(csv).toEqual(table);
    expect(Object.values(csv).reduce((n, t) => n + t.count, 0)).toBe(250);
  });

  it('continues past its row limit through the link header, with nothing lost or repeated', async () => {
    const whole = rows((await report({ date: '2031-03-01' })).body);
    const pages: Array<Record<string, string>> = [];
    let query: Record<string, string> | undefined = { date: '2031-03-01' };
    let replies = 0;
    while (query && replies < 50) {
      const reply = await report(query, 7);
      replies += 1;
      pages.push(...rows(reply.body));
      const link = reply.headers?.link as string | undefined;
      const next = link?.match(/^<daily\.csv\?([^>]+)>; rel="next"$/)?.[1];
      query = next ? Object.fromEntries(new URLSearchParams(next)) : undefined;
    }
    expect(pages).toEqual(whole);
    expect(replies).toBe(Math.ceil(whole.length / 7) + (whole.length % 7 === 0 ? 1 : 0));
  });

  it('answers 400 naming date when it is missing or not a day, and cursor when it is not ours', async () => {
    const missing = await report({});
    const bad = await report({ date: '2031-3-1' });
    const cursor = await report({ date: '2031-03-01', cursor: 'eA' });

    expect(bodyOf(missing).errors).toEqual([{ field: 'date', message: 'is required' }]);
    expect(bodyOf(bad).errors).toEqual([{ field: 'date', message: 'must be a day YYYY-MM-DD (Kenya time)' }]);
    expect(bodyOf(cursor).errors).toEqual([{ field: 'cursor', message: 'is not a cursor this API gave' }]);
  });
});

describe('POST /admin/payouts/{tradeNo}/resolve', () => {
  const resolve = (id: string, body: unknown, identity?: Record<string, unknown>) =>
    adminResolvePayoutHandler(stack.deps)(
      adminEvent(
        { method: 'POST', path: `/admin/payouts/${id}/resolve`, pathParameters: { tradeNo: id }, body },
        identity,
      ),
      lambdaContext(),
    );
  const create = (id: string, mobile: string, amount = 90) =>
    stack.createPayout(apiEvent({ body: { amount, mobile, tradeNo: id } }), lambdaContext());

  it('refuses a payout already SUCCEEDED or FAILED, without asking Paypro', async () => {
    // Prepare
    const done = tradeNo('final');
    await create(done, SANDBOX_MOBILES.succeeds);
    const before = await stack.deps.repository.get(done);
    const queries = stack.sandbox.queryCalls();
    // Act
    const reply = await resolve(done, { to: 'FAILED', reason: 'customer says not received', force: true });
    // Assess
    expect(reply.statusCode).toBe(409);
    expect(bodyOf(reply)).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: `Payout ${done} is already SUCCEEDED; only a PENDING or PROCESSING payout can be resolved.`,
    });
    expect(stack.sandbox.queryCalls()).toBe(queries);
    expect(await stack.deps.repository.get(done)).toEqual(before);
  });

  it("refuses (409) a resolution Paypro's query contradicts, and applies it when forced, recording who, why and Paypro's answer", async () => {
    // Prepare: Paypro keeps this one processing forever.
    const id = tradeNo('stuck');
    await create(id, SANDBOX_MOBILES.staysProcessing, 95);
    const opened = (await stack.deps.repository.get(id)) as Payout;
    const capKey = recipientKey(SANDBOX_MOBILES.staysProcessing, kenyaDate(opened.createdAt));
    const reservedBefore = await stack.deps.caps.read(capKey);
    const resolved = stack.counter.counts.PayoutResolved ?? 0;
    const reason = 'Paypro support confirmed by e-mail (ticket 4411) that it was never paid';
    // Act
    const refused = await resolve(id, { to: 'FAILED', reason });
    const forced = await resolve(id, { to: 'FAILED', reason, force: true });
    // Assess
    expect(refused.statusCode).toBe(409);
    expect(bodyOf(refused)).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail:
        `Paypro's query contradicts resolving payout ${id} as FAILED: Paypro is still processing it (0015 CREDIT_INPROGRESS). ` +
        'Send "force": true to resolve it anyway.',
      paypro: 'Paypro is still processing it (0015 CREDIT_INPROGRESS)',
    });
    const stored = (await stack.deps.repository.get(id)) as Payout;
    expect(forced.statusCode).toBe(200);
    expect(bodyOf(forced)).toEqual(JSON.parse(JSON.stringify(toView(stored))));
    expect(stored.status).toBe('FAILED');
    expect(stored.history.at(-1)).toEqual({
      at: stored.updatedAt,
      source: 'operator',
      status: 'FAILED',
      code: '0015',
      message: 'CREDIT_INPROGRESS',
      operator: OPERATOR,
      reason,
      note: 'resolved by operator (forced); Paypro: is still processing it (0015 CREDIT_INPROGRESS)',
    });
    // Its event is committed with the change, for the bus and the merchant's webhooks.
    const events = await stack.deps.repository.readOutbox(id);
    expect(events.at(-1)).toMatchObject({
      type: 'Payout Failed',
      version: (opened.version ?? 0) + 1,
      detail: { tradeNo: id, previousStatus: 'PROCESSING', status: 'FAILED' },
    });
    expect(stack.counter.counts.PayoutResolved).toBe(resolved + 1);
    // FAILED gives the payout's share of the day's caps back; and nothing was ever sent again.
    const reservedAfter = await stack.deps.caps.read(capKey);
    expect(reservedAfter.amount).toBe(reservedBefore.amount - 95);
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('applies a resolution Paypro agrees with without force, with Paypro’s references', async () => {
    // Prepare: the send timed out (PENDING, sent); Paypro then paid it; its callback never came.
    const id = tradeNo('agrees');
    await create(id, SANDBOX_MOBILES.slow, 85);
    await settledAtSandbox(stack.sandbox, id);
    // Act
    const contradicted = await resolve(id, { to: 'FAILED', reason: 'looks stuck' });
    const agreed = await resolve(id, { to: 'SUCCEEDED', reason: 'Paypro dashboard shows it paid' });
    // Assess
    expect(contradicted.statusCode).toBe(409);
    expect(bodyOf(contradicted).paypro).toBe('Paypro says SUCCEEDED (0000 SUCCESS)');
    expect(agreed.statusCode).toBe(200);
    const body = bodyOf(agreed) as { status: string; paypro: Record<string, string>; history: unknown[] };
    expect(body.status).toBe('SUCCEEDED');
    expect(body.paypro).toMatchObject({
      code: '0000',
      platFormTradeNo: expect.any(String),
      successTime: expect.stringMatching(/Z$/),
    });
    expect(body.history.at(-1)).toMatchObject({
      source: 'operator',
      status: 'SUCCEEDED',
      operator: OPERATOR,
      note: 'resolved by operator; Paypro: says SUCCEEDED (0000 SUCCESS)',
    });
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('refuses (409) when Paypro reports another amount than the record, whichever the resolution', async () => {
    // Prepare: Paypro paid 84; the record (altered behind the service's back) says 83.
    const id = tradeNo('amount');
    await create(id, SANDBOX_MOBILES.slow, 84);
    await settledAtSandbox(stack.sandbox, id);
    await createDocumentClient().send(
      new UpdateCommand({
        TableName: stack.config.payoutsTable,
        Key: { tradeNo: id },
        UpdateExpression: 'SET amount = :a',
        ExpressionAttributeValues: { ':a': 83 },
      }),
    );
    // Act
    const replies = [
      await resolve(id, { to: 'SUCCEEDED', reason: 'paid' }),
      await resolve(id, { to: 'FAILED', reason: 'not paid' }),
    ];
    // Assess
    for (const reply of replies) {
      expect(reply.statusCode).toBe(409);
      expect(bodyOf(reply).paypro).toBe('Paypro reports amount 84 (recorded 83), status 0000 SUCCESS');
    }
    expect((await stack.deps.repository.get(id))?.status).toBe('PENDING');
  });

  it('resolves a payout never sent as FAILED when Paypro does not know it, and it is never sent afterwards', async () => {
    // Prepare: recorded, then a crash before the send: no sentAt.
    const id = tradeNo('unsent');
    await recordCrashedPayout(stack.deps.repository, id, false);
    // Act
    const asSucceeded = await resolve(id, { to: 'SUCCEEDED', reason: 'sure?' });
    const asFailed = await resolve(id, { to: 'FAILED', reason: 'app cancelled the order' });
    const later = await stack.reconcile();
    // Assess
    expect(asSucceeded.statusCode).toBe(409);
    expect(bodyOf(asSucceeded).paypro).toMatch(
      /^Paypro does not know this tradeNo \(.+\); it was never sent$/,
    );
    expect(asFailed.statusCode).toBe(200);
    expect(bodyOf(asFailed).status).toBe('FAILED');
    expect(later.failed).toBe(0);
    expect(stack.sandbox.payoutCalls(id)).toBe(0);
  });

  it('answers 503 when Paypro cannot be asked, unless forced; forced, it records that Paypro was not asked', async () => {
    const id = tradeNo('no-paypro');
    await create(id, SANDBOX_MOBILES.staysProcessing);
    stack.sandbox.failQueries('http500');
    try {
      const unavailable = await resolve(id, { to: 'SUCCEEDED', reason: 'paid, per bank statement' });
      const forced = await resolve(id, { to: 'SUCCEEDED', reason: 'paid, per bank statement', force: true });

      expect(unavailable.statusCode).toBe(503);
      expect(forced.statusCode).toBe(200);
      const last = (bodyOf(forced).history as Array<Record<string, unknown>>).at(-1);
      expect(last?.note).toMatch(/^resolved by operator \(forced\); Paypro: could not be asked \(.+\)$/);
      expect(last?.code).toBeUndefined();
    } finally {
      stack.sandbox.failQueries('none');
    }
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('refuses a resolution body that gives a key twice (400 naming it), resolving nothing', async () => {
    // Prepare
    const id = tradeNo('dup');
    await create(id, SANDBOX_MOBILES.staysProcessing);
    // Act
    const reply = await adminResolvePayoutHandler(stack.deps)(
      adminEvent({
        method: 'POST',
        path: `/admin/payouts/${id}/resolve`,
        pathParameters: { tradeNo: id },
        rawBody: '{"to":"SUCCEEDED","reason":"paid","force":false,"force":true}',
      }),
      lambdaContext(),
    );
    // Assess
    expect(reply.statusCode).toBe(400);
    expect(bodyOf(reply).errors).toEqual([{ field: 'force', message: 'is given more than once' }]);
    expect((await stack.deps.repository.get(id))?.status).toBe('PROCESSING');
  });

  it('refuses a query parameter it does not take (400 naming it), resolving nothing', async () => {
    // Prepare
    const id = tradeNo('query');
    await create(id, SANDBOX_MOBILES.staysProcessing);
    // Act
    const reply = await adminResolvePayoutHandler(stack.deps)(
      adminEvent({
        method: 'POST',
        path: `/admin/payouts/${id}/resolve`,
        pathParameters: { tradeNo: id },
        body: { to: 'FAILED', reason: 'x', force: true },
        queryStringParameters: { force: 'true' },
      }),
      lambdaContext(),
    );
    // Assess
    expect(reply.statusCode).toBe(400);
    expect(bodyOf(reply).errors).toEqual([{ field: 'force', message: 'is not a parameter of this route' }]);
    expect((await stack.deps.repository.get(id))?.status).toBe('PROCESSING');
  });

  it('answers 404 for an unknown tradeNo and 400 naming each bad or unknown field', async () => {
    const unknown = await resolve('never-created', { to: 'FAILED', reason: 'x' });
    const bad = await resolve('seed-000', { to: 'DONE', reason: ' ', force: 'yes', extra: 1 });

    expect(unknown.statusCode).toBe(404);
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad).errors).toEqual([
      { field: 'to', message: 'must be SUCCEEDED or FAILED' },
      { field: 'reason', message: 'must not be blank' },
      { field: 'force', message: 'must be true or false' },
      { field: 'extra', message: 'is not a known field' },
    ]);
  });
});
