import type { SQSEvent } from 'aws-lambda';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import type { Payout } from '../../lib/payouts/payout';
import { startBatchFunctions } from '../support/batch-stack';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack } from '../support/stack';
import { until } from '../support/wait';

let stack: Awaited<ReturnType<typeof startStack>>;
let batches: Awaited<ReturnType<typeof startBatchFunctions>>;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({ PAYPRO_TIMEOUT_MS: '1000' }, { slowMs: 1_500, settleMs: 200 });
  stack.callbacks.accepting = true;
  batches = await startBatchFunctions(stack);
});
afterAll(async () => {
  await batches?.stop();
  await stack?.close();
});

function batchId(label: string): string {
  seq += 1;
  return `b-${label}-${Date.now()}-${seq}`;
}

const item = (id: string, i: number, mobile = '0712345678', amount = 100 + (i % 7)) => ({
  tradeNo: `${id}-${i}`,
  amount,
  mobile,
  remark: `item ${i}`,
});

const stored = (tradeNo: string): Promise<Payout | undefined> => stack.deps.repository.get(tradeNo);
const createSingle = (body: Record<string, unknown>) =>
  stack.createPayout(apiEvent({ body }), lambdaContext()) as Promise<{ statusCode: number; body: string }>;

type View = {
  status: string;
  itemCount: number;
  totalAmount: number;
  counts: Record<string, number>;
  amounts: Record<string, number>;
  items: Array<{ index: number; tradeNo: string; status: string; amount: number; reason?: string }>;
};

/** The counts add up to itemCount and the amounts to totalAmount, whatever happened. */
function expectReconciled(view: View): void {
  const sum = (totals: Record<string, number>) => Object.values(totals).reduce((a, b) => a + b, 0);
  expect(sum(view.counts)).toBe(view.itemCount);
  expect(sum(view.amounts)).toBe(view.totalAmount);
}

describe('POST /payout-batches: intake', () => {
  it('refuses 10,000 items with bad ones at the start, middle and end in one 400 listing exactly those; writes nothing', async () => {
    // Prepare
    const id = batchId('bad');
    const items = Array.from({ length: 10_000 }, (_, i) => item(id, i));
    items[0] = { ...item(id, 0), amount: 10 };
    items[5_000] = { ...item(id, 5_000), mobile: '12345' };
    (items as Array<Record<string, unknown>>)[9_999] = { amount: 100, mobile: '0712345678' };
    items[42] = { ...item(id, 42), tradeNo: `${id}-7` };
    // Act
    const response = await batches.post({ batchId: id, items });
    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({
      status: 400,
      problemCount: 4,
      errors: [
        { field: 'items[0].amount', message: 'must be between 50 and 250000 KES' },
        { field: 'items[42].tradeNo', message: 'duplicates items[7].tradeNo' },
        { field: 'items[5000].mobile', message: expect.stringContaining('Kenyan mobile') },
        { field: 'items[9999].tradeNo', message: 'is required' },
      ],
    });
    expect((await batches.get(id)).statusCode).toBe(404);
    expect(await stored(`${id}-1`)).toBeUndefined();
  });

  it('answers 10,000 bad items (with long unknown fields) with a bounded 400: the first 100 problems, how many in all, under 64 KB', async () => {
    // Prepare: every item has a bad amount, a bad mobile and an unknown field with a long name (2.5 MB in all).
    const id = batchId('allbad');
    const junk = 'x'.repeat(200);
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      tradeNo: `${id}-${i}`,
      amount: 1,
      mobile: 'none',
      [`${junk}${i}`]: true,
    }));
    // Act
    const response = await batches.post({ batchId: id, items });
    // Assess
    expect(response.statusCode).toBe(400);
    const body = bodyOf(response) as {
      errors: Array<{ field: string }>;
      problemCount: number;
      detail: string;
    };
    expect(body.errors).toHaveLength(100);
    expect(body.problemCount).toBe(30_000);
    expect(body.detail).toContain('30000 problems in all');
    expect(Buffer.byteLength(response.body)).toBeLessThan(64 * 1024);
    expect((await batches.get(id)).statusCode).toBe(404);
  });

  it('answers 202 at once with the stored batch, RECEIVED, and records nothing in the request', async () => {
    // Prepare: nobody sends meanwhile, so what the reply shows is the intake alone.
    const id = batchId('received');
    const items = Array.from({ length: 3 }, (_, i) => item(id, i));
    // Act
    const reply = await batches.post({ batchId: id, items });
    // Assess
    expect(reply.statusCode).toBe(202);
    expect(bodyOf(reply)).toEqual({
      batchId: id,
      status: 'RECEIVED',
      itemCount: 3,
      totalAmount: 100 + 101 + 102,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    await batches.settled(id, ['COMPLETED']);
  });

  it('is idempotent by batchId: the same batch again (and 20 at once) is one batch, each item sent once; other items → 409', async () => {
    // Prepare
    const id = batchId('replay');
    const items = Array.from({ length: 30 }, (_, i) => item(id, i, SANDBOX_MOBILES.succeeds));
    // Act
    const replies = await Promise.all(Array.from({ length: 20 }, () => batches.post({ batchId: id, items })));
    const again = await batches.post({ batchId: id, items });
    const other = await batches.post({ batchId: id, items: items.slice(1) });
    await batches.settled(id, ['COMPLETED']);
    // Assess
    expect(replies.map((r) => r.statusCode).sort()).toEqual([...Array(19).fill(200), 202].sort());
    expect(again.statusCode).toBe(200);
    expect(bodyOf(again)).toMatchObject({ batchId: id, itemCount: 30 });
    expect(other.statusCode).toBe(409);
    for (const i of items) expect(stack.sandbox.payoutCalls(i.tradeNo)).toBe(1);
  }, 40_000);
});

describe('a batch from intake to its end', () => {
  it('sends every item once through the queue and reports each item as it ends; counts and amounts reconcile', async () => {
    // Prepare: succeeds, rejected, stays processing, and answers slower than the timeout.
    const id = batchId('mixed');
    const mobiles = [
      '0712345678',
      SANDBOX_MOBILES.rejected,
      SANDBOX_MOBILES.staysProcessing,
      SANDBOX_MOBILES.slow,
    ];
    const items = Array.from({ length: 40 }, (_, i) => item(id, i, mobiles[i % 4]));
    // Act
    expect((await batches.post({ batchId: id, items })).statusCode).toBe(202);
    const staying = `254${SANDBOX_MOBILES.staysProcessing.slice(3)}`;
    const payouts = await until(
      () => Promise.all(items.map((i) => stored(i.tradeNo))),
      (all) =>
        all.every(
          (p) =>
            p !== undefined && (p.status === 'SUCCEEDED' || p.status === 'FAILED' || p.mobile === staying),
        ),
      30_000,
    );
    // Assess
    for (const i of items) expect(stack.sandbox.payoutCalls(i.tradeNo)).toBe(1);
    const byStatus = (s: string) => payouts.filter((p) => p?.status === s);
    const view = bodyOf(await batches.get(id)) as unknown as View;
    expect(view).toMatchObject({
      status: 'SENDING',
      counts: {
        PENDING: 0,
        PROCESSING: 10,
        SUCCEEDED: byStatus('SUCCEEDED').length,
        FAILED: 10,
        REJECTED: 0,
        CANCELLED: 0,
      },
    });
    expectReconciled(view);
    expect(view.amounts.FAILED).toBe(byStatus('FAILED').reduce((s, p) => s + (p?.amount ?? 0), 0));
    const csv = await batches.report(id);
    expect(csv.statusCode).toBe(200);
    const rows = parse(csv.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(40);
    rows.forEach((row, index) => {
      const payout = payouts[index];
      expect(row).toEqual({
        tradeNo: items[index]?.tradeNo,
        mobile: `${payout?.mobile.slice(0, 4)}****${payout?.mobile.slice(-4)}`,
        amount: String(payout?.amount),
        status: payout?.status,
        code: payout?.paypro?.code ?? '',
        message: payout?.paypro?.message ?? '',
        serialNumber: payout?.paypro?.serialNumber ?? '',
        successTime: payout?.paypro?.successTime ?? '',
        reason: '',
      });
    });
  }, 60_000);

  it('completes, and tells it with Batch Accepted and Batch Completed events carrying counts and amounts', async () => {
    // Prepare
    const id = batchId('events');
    const items = [item(id, 0, SANDBOX_MOBILES.succeeds), item(id, 1, SANDBOX_MOBILES.rejected)];
    // Act
    expect((await batches.post({ batchId: id, items })).statusCode).toBe(202);
    const view = await batches.settled(id, ['COMPLETED_WITH_FAILURES']);
    await until(
      () => batches.published.filter((e) => (e.detail as { batchId?: string }).batchId === id).length,
      (n) => n >= 2,
    );
    // Assess
    const events = batches.published.filter((e) => (e.detail as { batchId?: string }).batchId === id);
    expect(events.map((e) => [e.type, (e.detail as { eventId: string }).eventId])).toEqual([
      ['Batch Accepted', `batch:${id}:1`],
      ['Batch Completed', `batch:${id}:2`],
    ]);
    expect(events[1]?.detail).toMatchObject({
      status: 'COMPLETED_WITH_FAILURES',
      previousStatus: 'SENDING',
      counts: { SUCCEEDED: 1, FAILED: 1 },
      amounts: view.amounts,
    });
  }, 40_000);

  it('pages the items with a cursor and a status filter, without gaps or repeats', async () => {
    const id = batchId('pages');
    const items = Array.from({ length: 25 }, (_, i) =>
      item(id, i, i % 5 === 0 ? SANDBOX_MOBILES.rejected : SANDBOX_MOBILES.succeeds),
    );
    expect((await batches.post({ batchId: id, items })).statusCode).toBe(202);
    await batches.settled(id, ['COMPLETED_WITH_FAILURES']);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = bodyOf(await batches.get(id, { limit: '4', ...(cursor && { cursor }) })) as {
        items: Array<{ tradeNo: string }>;
        nextCursor?: string;
      };
      seen.push(...page.items.map((i) => i.tradeNo));
      cursor = page.nextCursor;
    } while (cursor);
    const failed = bodyOf(await batches.get(id, { status: 'FAILED' })) as {
      items: Array<{ tradeNo: string }>;
    };

    expect(seen).toEqual(items.map((i) => i.tradeNo));
    expect(failed.items.map((i) => i.tradeNo)).toEqual(
      items.filter((_, i) => i % 5 === 0).map((i) => i.tradeNo),
    );
  }, 40_000);

  it('a message delivered again after Paypro accepted its item (consumer died before deleting it) sends nothing', async () => {
    // Prepare: recorded, sent once by hand; the queue is not drained meanwhile.
    batches.drain(false);
    const id = batchId('redeliver');
    try {
      expect((await batches.post({ batchId: id, items: [item(id, 0)] })).statusCode).toBe(202);
      const tradeNo = `${id}-0`;
      await until(
        () => stored(tradeNo),
        (p) => p !== undefined,
        20_000,
      );
      const { sendBatchItemsHandler } = await import('../../functions/send-batch-items');
      const { buildSendItemDeps, readSendItem } = await import('../../lib/wiring/batches');
      const { readConfig } = await import('../../lib/config');
      const send = sendBatchItemsHandler(buildSendItemDeps(readConfig(readSendItem)), stack.config);
      const record = {
        messageId: 'm-1',
        receiptHandle: 'r-1',
        body: JSON.stringify({ tradeNo }),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:paypro-payouts-test-batch-sends',
        awsRegion: 'local',
      };
      // Act: the first delivery sends; the crash loses the delete; the message comes again.
      const first = (await send({ Records: [record] } as SQSEvent, lambdaContext())) as {
        batchItemFailures: unknown[];
      };
      const second = (await send(
        {
          Records: [{ ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '2' } }],
        } as SQSEvent,
        lambdaContext(),
      )) as { batchItemFailures: unknown[] };
      // Assess
      expect(first.batchItemFailures).toEqual([]);
      expect(second.batchItemFailures).toEqual([]);
      expect(stack.sandbox.payoutCalls(tradeNo)).toBe(1);
    } finally {
      batches.drain(true);
    }
  }, 30_000);
});

describe('a payout belongs to at most one batch', () => {
  it('a single payout and another batch racing a batch for its tradeNos: one Paypro call each, the losers REJECTED with their own amounts, totals reconcile', async () => {
    // Prepare
    const a = batchId('race-a');
    const b = batchId('race-b');
    const itemsA = Array.from({ length: 300 }, (_, i) => item(a, i, SANDBOX_MOBILES.succeeds, 100));
    const contestedByB = { ...item(a, 200, SANDBOX_MOBILES.succeeds, 555) };
    // Act: the batch, a single payout with one of its tradeNos (another amount), and a batch with another.
    const [replyA, single, replyB] = await Promise.all([
      batches.post({ batchId: a, items: itemsA }),
      createSingle({ tradeNo: `${a}-150`, amount: 777, mobile: SANDBOX_MOBILES.succeeds }),
      batches.post({ batchId: b, items: [contestedByB, item(b, 1, SANDBOX_MOBILES.succeeds)] }),
    ]);
    const viewA = (await batches.settled(a, ['COMPLETED_WITH_FAILURES'], 60_000)) as unknown as View;
    const viewB = (await batches.settled(
      b,
      ['COMPLETED', 'COMPLETED_WITH_FAILURES'],
      30_000,
    )) as unknown as View;
    // Assess
    expect([replyA.statusCode, single.statusCode, replyB.statusCode]).toEqual([202, 201, 202]);
    expect(stack.sandbox.payoutCalls(`${a}-150`)).toBe(1);
    expect(stack.sandbox.payouts.get(`${a}-150`)?.amount).toBe('777');
    expect(stack.sandbox.payoutCalls(`${a}-200`)).toBe(1);
    const pageA = bodyOf(await batches.get(a, { status: 'REJECTED' })) as unknown as View;
    expect(pageA.items.find((i) => i.tradeNo === `${a}-150`)).toMatchObject({
      status: 'REJECTED',
      amount: 100,
      reason: 'tradeNo is used by another payout with a different amount, mobile or remark',
    });
    // a-200 went to whichever batch recorded it first; the other shows it REJECTED.
    const owner = (await stored(`${a}-200`))?.batchId;
    expect([a, b]).toContain(owner);
    const loser = owner === a ? viewB : viewA;
    expect(loser.counts.REJECTED).toBe(owner === a ? 1 : 2);
    expectReconciled(viewA);
    expectReconciled(viewB);
    expect(viewA.amounts.SUCCEEDED).toBe(100 * (300 - (viewA.counts.REJECTED ?? 0)));
  }, 90_000);

  it('adopts an identical payout made alone into one batch only: a second batch listing it shows it REJECTED, and it is sent once', async () => {
    // Prepare: two payouts created alone, then batches A and B each listing both.
    const id = batchId('adopt');
    const alone = [item(id, 0, SANDBOX_MOBILES.succeeds, 100), item(id, 1, SANDBOX_MOBILES.succeeds, 100)];
    for (const body of alone) expect((await createSingle(body)).statusCode).toBe(201);
    const a = batchId('adopt-a');
    const b = batchId('adopt-b');
    // Act
    expect((await batches.post({ batchId: a, items: alone })).statusCode).toBe(202);
    const viewA = (await batches.settled(a, ['COMPLETED'])) as unknown as View;
    expect((await batches.post({ batchId: b, items: alone })).statusCode).toBe(202);
    const viewB = (await batches.settled(b, ['COMPLETED_WITH_FAILURES'])) as unknown as View;
    // Assess
    expect(viewA.counts).toMatchObject({ SUCCEEDED: 2, REJECTED: 0 });
    expect(viewA.amounts.SUCCEEDED).toBe(200);
    expect(viewB.counts).toMatchObject({ SUCCEEDED: 0, REJECTED: 2 });
    expect(viewB.amounts).toMatchObject({ SUCCEEDED: 0, REJECTED: 200 });
    expect((bodyOf(await batches.get(b)) as unknown as View).items[0]?.reason).toBe(
      `tradeNo belongs to batch ${a}`,
    );
    for (const body of alone) {
      expect(stack.sandbox.payoutCalls(body.tradeNo)).toBe(1);
      expect((await stored(body.tradeNo))?.batchId).toBe(a);
    }
  }, 60_000);
});
