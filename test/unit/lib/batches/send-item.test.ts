import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sendBatchItemsHandler } from '../../../../functions/send-batch-items';
import { holdDelaySeconds, type SendItemDeps, sendQueuedItem } from '../../../../lib/batches/send-item';
import { QueueUnavailableError } from '../../../../lib/errors';
import type { Payout } from '../../../../lib/payouts/payout';
import type { BreakerState } from '../../../../lib/paypro/breaker';
import { lambdaContext } from '../../../support/events';
import { payoutWorld } from '../../../support/fakes/payout-world';
import { failedWith, GATEWAY_503, TOO_MANY_REQUESTS } from '../../../support/fakes/paypro';
import { RecordingSendQueue } from '../../../support/fakes/queues';

const NOW = '2026-11-24T07:00:00.000Z';
const OPENED_AT = '2026-11-24T06:59:30.000Z';

const OPEN: BreakerState = {
  version: 1,
  status: 'open',
  recentFailures: [],
  openedAt: OPENED_AT,
  openedBy: "HTTP 503 without Paypro's envelope",
  lastFailure: "HTTP 503 without Paypro's envelope",
  probeAt: OPENED_AT,
};

/** A batch item as advance-batches records it: PENDING, never sent, in batch `b-1`. */
function item(tradeNo: string): Payout {
  return {
    tradeNo,
    amount: 1500,
    mobile: '254712345678',
    status: 'PENDING',
    requestHash: `hash-${tradeNo}`,
    batchId: 'b-1',
    paypro: {},
    createdAt: NOW,
    updatedAt: NOW,
    history: [{ at: NOW, source: 'api', status: 'PENDING', note: 'recorded from batch b-1' }],
  };
}

/** The payout world with recorded items, the batch-sends queue in memory and held items' delays drawn mid-range. */
async function itemWorld(...tradeNos: string[]) {
  const world = payoutWorld({ start: NOW });
  for (const tradeNo of tradeNos) await world.store.create(item(tradeNo), '2026-11-24T07:30:00.000Z');
  const sends = new RecordingSendQueue();
  const deps: SendItemDeps = {
    ...world.deps,
    sends,
    holdDelayS: 15,
    random: () => 0.5,
    sleep: async (ms) => world.clock.advance(ms),
  };
  return { ...world, sends, deps };
}

/** An SQS record of the batch-sends queue for `tradeNo`. */
function record(tradeNo: string, messageId = `m-${tradeNo}`): SQSRecord {
  return {
    messageId,
    receiptHandle: `r-${messageId}`,
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
}

describe('sendQueuedItem while the breaker holds sends', () => {
  it('queues the item again with a delay around PAYPRO_PROBE_S, claiming nothing and calling Paypro 0 times', async () => {
    // Prepare
    const world = await itemWorld('i-1');
    await world.breakerStore.write(0, OPEN);

    // Act
    const outcome = await sendQueuedItem(world.deps, 'i-1');

    // Assess
    expect(outcome).toBe('held');
    expect(world.sends.messages).toEqual([{ tradeNo: 'i-1', delaySeconds: 15 }]);
    expect(world.paypro.payoutCalls).toEqual([]);
    expect(world.store.all()).toEqual([item('i-1')]);
    expect(world.counter.counts.BatchItemSent).toBeUndefined();
  });

  it('holds an item as often as the outage lasts, one new message each time, and sends it once after', async () => {
    // Prepare
    const world = await itemWorld('i-2');
    await world.breakerStore.write(0, OPEN);

    // Act: ten holds (each one message received, one sent again), then Paypro is back.
    const outcomes = [];
    for (let hold = 0; hold < 10; hold += 1) outcomes.push(await sendQueuedItem(world.deps, 'i-2'));
    await world.breakerStore.write(1, { version: 2, status: 'closed', recentFailures: [] });
    outcomes.push(await sendQueuedItem(world.deps, 'i-2'));

    // Assess
    expect(outcomes).toEqual([...Array(10).fill('held'), 'sent']);
    expect(world.sends.queued).toEqual(Array(10).fill('i-2'));
    expect(world.paypro.sent('i-2')).toBe(1);
    expect((await world.store.get('i-2'))?.status).toBe('PROCESSING');
  });

  it('throws when the item cannot be queued again, so its message comes back; nothing was claimed', async () => {
    // Prepare
    const world = await itemWorld('i-3');
    await world.breakerStore.write(0, OPEN);
    world.sends.failNext();

    // Act
    const error = await sendQueuedItem(world.deps, 'i-3').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect(world.store.all()).toEqual([item('i-3')]);
    expect(world.paypro.payoutCalls).toEqual([]);
  });
});

describe('send-batch-items handler while the breaker holds sends', () => {
  it('reports a held record as processed (SQS deletes it) and one that could not be queued again as failed', async () => {
    // Prepare: the queue takes the first re-send and refuses the second.
    const world = await itemWorld('i-4', 'i-5');
    await world.breakerStore.write(0, OPEN);
    const failing = new RecordingSendQueue();
    let sends = 0;
    const deps: SendItemDeps = {
      ...world.deps,
      sends: {
        enqueue: async (tradeNos, options) => {
          sends += 1;
          if (sends === 2) failing.failNext();
          return failing.enqueue(tradeNos, options);
        },
      },
    };
    const handler = sendBatchItemsHandler(deps, { payproTimeoutMs: 5_000 });
    const event: SQSEvent = { Records: [record('i-4'), record('i-5')] };

    // Act
    const response = (await handler(event, lambdaContext())) as SQSBatchResponse;

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-i-5' }] });
    expect(failing.messages).toEqual([{ tradeNo: 'i-4', delaySeconds: 15 }]);
    expect(world.paypro.payoutCalls).toEqual([]);
  });
});

describe('sendQueuedItem when Paypro fails or rate-limits', () => {
  it('records a failed send with its class and leaves the item PENDING: the message is done with', async () => {
    // Prepare
    const world = await itemWorld('i-6');
    world.paypro.answerPayout('i-6', failedWith(GATEWAY_503));

    // Act
    const outcome = await sendQueuedItem(world.deps, 'i-6');

    // Assess
    expect(outcome).toBe('sent');
    expect(await world.store.get('i-6')).toMatchObject({
      status: 'PENDING',
      sendFailure: { class: 'not-taken-in', detail: "HTTP 503 without Paypro's envelope" },
    });
    expect(world.sends.queued).toEqual([]);
    expect(world.breakerStore.peek().recentFailures).toEqual([NOW]);
  });

  it('backs off on 429 and sends the same item again, never failing it', async () => {
    // Prepare
    const world = await itemWorld('i-7');
    world.paypro.answerPayout('i-7', failedWith(TOO_MANY_REQUESTS), {
      kind: 'accepted',
      serialNumber: 'sn-i-7',
      status: '0015',
      message: 'CREDIT_INPROGRESS',
    });

    // Act
    const outcome = await sendQueuedItem(world.deps, 'i-7');

    // Assess
    expect(outcome).toBe('sent');
    expect(world.paypro.sent('i-7')).toBe(2);
    expect((await world.store.get('i-7'))?.status).toBe('PROCESSING');
    expect(world.counter.counts.PayproRateLimited).toBe(1);
  });
});

describe('holdDelaySeconds', () => {
  it.each([
    { random: 0, delay: 8 },
    { random: 0.5, delay: 15 },
    { random: 0.999_999, delay: 22 },
  ])(
    'spreads held items from half to one and a half PAYPRO_PROBE_S (draw $random: $delay s)',
    ({ random, delay }) => {
      // Act and Assess
      expect(holdDelaySeconds(15, () => random)).toBe(delay);
    },
  );

  it('keeps the delay within what SQS allows: at least 1 s, at most 900 s', () => {
    // Act and Assess
    expect(holdDelaySeconds(0, () => 0)).toBe(1);
    expect(holdDelaySeconds(3600, () => 0.999_999)).toBe(900);
  });
});
