import type { SQSEvent } from 'aws-lambda';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsEventSource } from '../../infra/local/event-source';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { loadConfig } from '../../lib/config';
import type { PayoutEvent } from '../../lib/events/payout-event';
import { sweepOutbox } from '../../lib/events/publish';
import type { Payout } from '../../lib/payouts/payout';
import { buildPublishServices } from '../../lib/services';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack } from '../support/stack';
import { until } from '../support/wait';

let stack: Awaited<ReturnType<typeof startStack>>;
let handlers: {
  create: (event: ReturnType<typeof apiEvent>) => Promise<{ statusCode: number; body: string }>;
  get: (
    event: ReturnType<typeof apiEvent>,
  ) => Promise<{ statusCode: number; body: string; headers?: unknown }>;
  send: (event: SQSEvent) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;
};
let draining = true;
let stopSource: () => Promise<void>;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({ PAYPRO_TIMEOUT_MS: '1000' }, { slowMs: 1_500, settleMs: 200 });
  // Built as the Lambdas build them, from the environment the stack set.
  const { createPayoutBatchHandler } = await import('../../functions/create-payout-batch');
  const { getPayoutBatchHandler } = await import('../../functions/get-payout-batch');
  const { sendBatchItemsHandler } = await import('../../functions/send-batch-items');
  const services = await import('../../lib/batches/services');
  const config = loadConfig();
  const create = createPayoutBatchHandler(services.buildAcceptBatchServices(config), config);
  const get = getPayoutBatchHandler(services.buildReadBatchServices(config));
  const send = sendBatchItemsHandler(services.buildSendItemServices(config), config);
  handlers = {
    create: (event) => create(event, lambdaContext()) as never,
    get: (event) => get(event, lambdaContext()) as never,
    send: (event) => send(event, lambdaContext()) as never,
  };
  // The batch-sends queue's event source, as serverless.yml maps it (maximum concurrency 2).
  const source = createSqsEventSource({
    endpoint: stack.local.sqs.url,
    queueName: 'paypro-payouts-test-batch-sends',
    handler: async (event) => (draining ? handlers.send(event) : { batchItemFailures: [] }),
    batchSize: 5,
    maximumConcurrency: 2,
  });
  await source.start();
  stopSource = () => source.stop();
});
afterAll(async () => {
  await stopSource?.();
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

const post = (body: unknown) =>
  handlers.create(apiEvent({ path: '/payout-batches', body: body as Record<string, unknown> }));

const getBatch = (id: string, query: Record<string, string> = {}) =>
  handlers.get(
    apiEvent({
      method: 'GET',
      path: `/payout-batches/${id}`,
      resource: '/payout-batches/{batchId}',
      pathParameters: { batchId: id },
      queryStringParameters: query,
    }),
  );

const report = (id: string) =>
  handlers.get(
    apiEvent({
      method: 'GET',
      path: `/payout-batches/${id}/report.csv`,
      resource: '/payout-batches/{batchId}/report.csv',
      pathParameters: { batchId: id },
    }),
  );

async function stored(tradeNo: string): Promise<Payout | undefined> {
  return stack.services.repository.get(tradeNo);
}

describe('POST /payout-batches', () => {
  it('refuses 10,000 items with bad ones at the start, middle and end in one 400 listing exactly those; writes nothing', async () => {
    // Prepare
    const id = batchId('bad');
    const items = Array.from({ length: 10_000 }, (_, i) => item(id, i));
    items[0] = { ...item(id, 0), amount: 10 };
    items[5_000] = { ...item(id, 5_000), mobile: '12345' };
    (items as Array<Record<string, unknown>>)[9_999] = { amount: 100, mobile: '0712345678' };
    items[42] = { ...item(id, 42), tradeNo: `${id}-7` };
    // Act
    const response = await post({ batchId: id, items });
    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response as never)).toMatchObject({
      status: 400,
      errors: [
        { field: 'items[0].amount', message: 'must be between 50 and 250000 KES' },
        { field: 'items[42].tradeNo', message: 'duplicates items[7].tradeNo' },
        { field: 'items[5000].mobile', message: expect.stringContaining('Kenyan mobile') },
        { field: 'items[9999].tradeNo', message: 'is required' },
      ],
    });
    expect((await getBatch(id)).statusCode).toBe(404);
    expect(await stored(`${id}-1`)).toBeUndefined();
    expect(stack.local.sqs.queue('paypro-payouts-test-batch-sends').counts().visible).toBe(0);
  });

  it('accepts a batch with 202, sends every item once through the queue, and reports each item as it ends', async () => {
    // Prepare: succeed, rejected, stays processing, and answers slower than the timeout.
    const id = batchId('mixed');
    const mobiles = [
      '0712345678',
      SANDBOX_MOBILES.rejected,
      SANDBOX_MOBILES.staysProcessing,
      SANDBOX_MOBILES.slow,
    ];
    const items = Array.from({ length: 40 }, (_, i) => item(id, i, mobiles[i % 4]));
    // Act
    const accepted = await post({ batchId: id, items });
    // Assess
    expect(accepted.statusCode).toBe(202);
    const total = items.reduce((sum, i) => sum + i.amount, 0);
    expect(bodyOf(accepted as never)).toEqual({
      batchId: id,
      status: 'ACCEPTED',
      itemCount: 40,
      totalAmount: total,
      counts: { PENDING: 40, PROCESSING: 0, SUCCEEDED: 0, FAILED: 0 },
      amounts: { PENDING: total, PROCESSING: 0, SUCCEEDED: 0, FAILED: 0 },
      createdAt: expect.any(String),
      acceptedAt: expect.any(String),
    });
    // Every item is an ordinary payout at once, then sent exactly once.
    expect((await stored(`${id}-0`))?.batchId).toBe(id);
    await until(
      () => items.every((i) => stack.sandbox.payoutCalls(i.tradeNo) >= 1),
      (all) => all,
      20_000,
    );
    // Settled by callbacks: every item final but the ones Paypro keeps processing.
    stack.callbacks.accepting = true;
    const staying = `254${SANDBOX_MOBILES.staysProcessing.slice(3)}`;
    await until(
      () => Promise.all(items.map((i) => stored(i.tradeNo))),
      (all) =>
        all.every(
          (p) =>
            p !== undefined && (p.status === 'SUCCEEDED' || p.status === 'FAILED' || p.mobile === staying),
        ),
      20_000,
    );
    for (const i of items) expect(stack.sandbox.payoutCalls(i.tradeNo)).toBe(1);
    const payouts = await Promise.all(items.map((i) => stored(i.tradeNo)));
    const byStatus = (s: string) => payouts.filter((p) => p?.status === s);

    const view = bodyOf((await getBatch(id)) as never);
    expect(view).toMatchObject({
      status: 'SENDING',
      counts: {
        PENDING: 0,
        PROCESSING: byStatus('PROCESSING').length,
        SUCCEEDED: byStatus('SUCCEEDED').length,
        FAILED: 10,
      },
    });
    expect(byStatus('PROCESSING').length).toBe(10);
    expect((view.amounts as Record<string, number>).FAILED).toBe(
      byStatus('FAILED').reduce((s, p) => s + (p?.amount ?? 0), 0),
    );

    const csv = await report(id);
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
      });
    });
  }, 60_000);

  it('pages the items with a cursor and a status filter, without gaps or repeats', async () => {
    const id = batchId('pages');
    const items = Array.from({ length: 25 }, (_, i) =>
      item(id, i, i % 5 === 0 ? SANDBOX_MOBILES.rejected : SANDBOX_MOBILES.staysProcessing),
    );
    expect((await post({ batchId: id, items })).statusCode).toBe(202);
    await until(
      () => Promise.all(items.map((i) => stored(i.tradeNo))),
      (all) => all.every((p) => p?.status !== 'PENDING'),
      20_000,
    );

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = bodyOf((await getBatch(id, { limit: '4', ...(cursor && { cursor }) })) as never) as {
        items: Array<{ tradeNo: string }>;
        nextCursor?: string;
      };
      seen.push(...page.items.map((i) => i.tradeNo));
      cursor = page.nextCursor;
    } while (cursor);
    const failed = bodyOf((await getBatch(id, { status: 'FAILED' })) as never) as {
      items: Array<{ tradeNo: string }>;
    };

    expect(seen).toEqual(items.map((i) => i.tradeNo));
    expect(failed.items.map((i) => i.tradeNo)).toEqual(
      items.filter((_, i) => i % 5 === 0).map((i) => i.tradeNo),
    );
  }, 40_000);

  it('refuses a batch that gives a key twice anywhere (400 naming each), recording nothing', async () => {
    // Prepare: item 3 names two mobiles, the envelope two batchIds.
    const id = batchId('dup');
    const items = [0, 1, 2, 3, 4].map((i) => JSON.stringify(item(id, i)));
    items[3] = (items[3] as string).replace('"mobile":', '"mobile":"0700000029","mobile":');
    const rawBody = `{"batchId":"${id}","items":[${items.join(',')}],"batchId":"${id}-other"}`;
    // Act
    const reply = await handlers.create(apiEvent({ path: '/payout-batches', rawBody }));
    // Assess
    expect(reply.statusCode).toBe(400);
    expect(bodyOf(reply as never).errors).toEqual([
      { field: 'items[3].mobile', message: 'is given more than once' },
      { field: 'batchId', message: 'is given more than once' },
    ]);
    expect((await getBatch(id)).statusCode).toBe(404);
    expect(await stored(`${id}-0`)).toBeUndefined();
  });

  it('holds its query string to the one rule: decimal digits, known parameters only', async () => {
    // Prepare
    const id = batchId('query');
    expect((await post({ batchId: id, items: [item(id, 0), item(id, 1), item(id, 2)] })).statusCode).toBe(
      202,
    );
    const cursorOf = (text: string) => Buffer.from(text).toString('base64url');
    const cases: Array<[Record<string, string>, { field: string; message: string }]> = [
      [{ foo: '1' }, { field: 'foo', message: 'is not a parameter of this route' }],
      [
        { limit: '0x10' },
        { field: 'limit', message: 'must be a whole number from 1 to 1000, in decimal digits' },
      ],
      [
        { limit: '1e1' },
        { field: 'limit', message: 'must be a whole number from 1 to 1000, in decimal digits' },
      ],
      [
        { limit: ' 2' },
        { field: 'limit', message: 'must be a whole number from 1 to 1000, in decimal digits' },
      ],
      [{ cursor: cursorOf('0x1') }, { field: 'cursor', message: 'is not a cursor this API gave' }],
      [{ cursor: cursorOf('1e0') }, { field: 'cursor', message: 'is not a cursor this API gave' }],
    ];
    for (const [query, problem] of cases) {
      // Act
      const reply = await getBatch(id, query);
      // Assess
      expect(reply.statusCode, JSON.stringify(query)).toBe(400);
      expect(bodyOf(reply as never).errors, JSON.stringify(query)).toEqual([problem]);
    }
    const csv = await handlers.get(
      apiEvent({
        method: 'GET',
        path: `/payout-batches/${id}/report.csv`,
        resource: '/payout-batches/{batchId}/report.csv',
        pathParameters: { batchId: id },
        queryStringParameters: { status: 'FAILED' },
      }),
    );
    expect(csv.statusCode).toBe(400);
    expect(bodyOf(csv as never).errors).toEqual([
      { field: 'status', message: 'is not a parameter of this route' },
    ]);
    const page = await getBatch(id, { limit: '02', cursor: cursorOf('1') });
    expect(page.statusCode).toBe(200);
    expect((bodyOf(page as never).items as Array<{ index: number }>).map((i) => i.index)).toEqual([1, 2]);
  });

  it('is idempotent by batchId: the same batch again (and 20 at once) is one batch, each item sent once; other items → 409', async () => {
    const id = batchId('replay');
    const items = Array.from({ length: 30 }, (_, i) => item(id, i));

    const replies = await Promise.all(Array.from({ length: 20 }, () => post({ batchId: id, items })));
    const again = await post({ batchId: id, items });
    const other = await post({ batchId: id, items: items.slice(1) });
    await until(
      () => items.every((i) => stack.sandbox.payoutCalls(i.tradeNo) >= 1),
      (all) => all,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(replies.map((r) => r.statusCode).sort()).toEqual([...Array(19).fill(200), 202].sort());
    expect(again.statusCode).toBe(200);
    expect(bodyOf(again as never)).toMatchObject({ batchId: id, itemCount: 30 });
    expect(other.statusCode).toBe(409);
    for (const i of items) expect(stack.sandbox.payoutCalls(i.tradeNo)).toBe(1);
  }, 40_000);

  it('refuses an item whose tradeNo another payout uses with other content; adopts an identical one without sending it again', async () => {
    const id = batchId('taken');
    const existing = item(id, 0);
    const created = await stack.createPayout(apiEvent({ body: existing }), lambdaContext());
    expect(created.statusCode).toBe(201);

    const clash = await post({ batchId: id, items: [{ ...existing, amount: 999 }, item(id, 1)] });
    const adopt = await post({ batchId: batchId('adopt'), items: [existing, item(id, 2)] });
    await until(
      () => stack.sandbox.payoutCalls(`${id}-2`),
      (n) => n >= 1,
      20_000,
    );

    expect(clash.statusCode).toBe(400);
    expect(bodyOf(clash as never).errors).toEqual([
      {
        field: 'items[0].tradeNo',
        message: 'is already used by a payout with a different amount, mobile or remark',
      },
    ]);
    expect(await stored(`${id}-1`)).toBeUndefined();
    expect(adopt.statusCode).toBe(202);
    expect(stack.sandbox.payoutCalls(existing.tradeNo)).toBe(1);
  }, 30_000);

  it('its items are ordinary payouts: GET /payouts shows them with their batchId, and their events carry it', async () => {
    const id = batchId('plain');
    expect((await post({ batchId: id, items: [item(id, 0, SANDBOX_MOBILES.rejected)] })).statusCode).toBe(
      202,
    );
    const tradeNo = `${id}-0`;
    await until(
      () => stored(tradeNo),
      (p) => p?.status === 'FAILED',
      20_000,
    );
    const published: PayoutEvent[] = [];

    const payout = await stack.getPayout(
      apiEvent({ method: 'GET', path: `/payouts/${tradeNo}`, pathParameters: { tradeNo } }),
      lambdaContext(),
    );
    await sweepOutbox(
      { ...buildPublishServices(loadConfig()), bus: { publish: async (e) => void published.push(...e) } },
      0,
    );

    expect(bodyOf(payout)).toMatchObject({ tradeNo, batchId: id, status: 'FAILED' });
    expect(
      published.filter((e) => e.detail.tradeNo === tradeNo).map((e) => [e.type, e.detail.batchId]),
    ).toEqual([['Payout Failed', id]]);
  }, 30_000);

  it('a message delivered again after Paypro accepted its item (consumer died before deleting it) sends nothing', async () => {
    // Prepare: recorded and queued, but nobody drains the queue.
    draining = false;
    const id = batchId('redeliver');
    try {
      expect((await post({ batchId: id, items: [item(id, 0)] })).statusCode).toBe(202);
      const tradeNo = `${id}-0`;
      const event: SQSEvent = {
        Records: [
          {
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
          },
        ],
      };
      // Act: the first delivery sends; the crash loses the delete; the message comes again.
      const first = await handlers.send(event);
      const second = await handlers.send({
        Records: event.Records.map((r) => ({
          ...r,
          attributes: { ...r.attributes, ApproximateReceiveCount: '2' },
        })),
      });
      // Assess
      expect(first.batchItemFailures).toEqual([]);
      expect(second.batchItemFailures).toEqual([]);
      expect(stack.sandbox.payoutCalls(tradeNo)).toBe(1);
    } finally {
      draining = true;
    }
  });
});
