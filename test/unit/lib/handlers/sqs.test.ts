import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { sqsBatchHandler, sqsHandler } from '../../../../lib/handlers/sqs';
import { logger } from '../../../../lib/shared/logger';
import { lambdaContext } from '../../../support/events';

const Item = z.object({ tradeNo: z.string().check(z.minLength(1)) });

function record(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:payouts-test-batch-sends',
    awsRegion: 'eu-west-1',
  };
}

const eventOf = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A context whose remaining time is read from `remaining` at each call. */
function contextWith(remaining: () => number) {
  return { ...lambdaContext(), getRemainingTimeInMillis: remaining };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sqsHandler', () => {
  it('hands each record its parsed body in order and reports no failure when all succeed', async () => {
    // Prepare
    const seen: string[] = [];
    const handler = sqsHandler(
      async ({ tradeNo }) => {
        seen.push(tradeNo);
      },
      { queue: 'batch-sends', schema: Item },
    );

    // Act
    const response = await handler(
      eventOf(record('m1', '{"tradeNo":"t-1"}'), record('m2', '{"tradeNo":"t-2","extra":1}')),
      lambdaContext(),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['t-1', 't-2']);
  });

  it('sends back only the records whose handler threw, and tells onFailure which', async () => {
    // Prepare
    const failed: Array<{ tradeNo: string; error: unknown }> = [];
    const boom = new Error('Paypro unreachable');
    const handler = sqsHandler(
      async ({ tradeNo }) => {
        if (tradeNo === 't-2') throw boom;
      },
      {
        queue: 'batch-sends',
        schema: Item,
        onFailure: ({ tradeNo }, error) => failed.push({ tradeNo, error }),
      },
    );

    // Act
    const response = await handler(
      eventOf(
        record('m1', '{"tradeNo":"t-1"}'),
        record('m2', '{"tradeNo":"t-2"}'),
        record('m3', '{"tradeNo":"t-3"}'),
      ),
      lambdaContext(),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(failed).toEqual([{ tradeNo: 't-2', error: boom }]);
  });

  it('sends back an unparseable record (not JSON, or not the schema) without calling the handler, and logs its messageId', async () => {
    // Prepare
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const seen: string[] = [];
    const handler = sqsHandler(
      async ({ tradeNo }) => {
        seen.push(tradeNo);
      },
      { queue: 'batch-sends', schema: Item },
    );

    // Act
    const response = await handler(
      eventOf(
        record('m1', 'not json'),
        record('m2', '{"tradeNo":""}'),
        record('m3', '{"batchId":"b-1"}'),
        record('m4', '{"tradeNo":"t-4"}'),
      ),
      lambdaContext(),
    );

    // Assess
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }],
    });
    expect(seen).toEqual(['t-4']);
    expect(errors.mock.calls).toEqual([
      ['batch-sends message unreadable', { messageId: 'm1' }],
      ['batch-sends message unreadable', { messageId: 'm2' }],
      ['batch-sends message unreadable', { messageId: 'm3' }],
    ]);
  });

  it('sends back, untouched, every record reached with less than marginMs left', async () => {
    // Prepare: 30 s left, and each record takes 10 s of it.
    let remaining = 30_000;
    const seen: string[] = [];
    const handler = sqsHandler(
      async ({ tradeNo }) => {
        seen.push(tradeNo);
        remaining -= 10_000;
      },
      { queue: 'batch-sends', schema: Item, marginMs: 15_000 },
    );

    // Act
    const response = await handler(
      eventOf(
        record('m1', '{"tradeNo":"t-1"}'),
        record('m2', '{"tradeNo":"t-2"}'),
        record('m3', '{"tradeNo":"t-3"}'),
        record('m4', '{"tradeNo":"t-4"}'),
      ),
      contextWith(() => remaining),
    );

    // Assess: 30 s, 20 s are enough; at 10 s the rest comes back.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm3' }, { itemIdentifier: 'm4' }] });
    expect(seen).toEqual(['t-1', 't-2']);
  });

  it('logs a failed record with the fields describe names, never the whole body', async () => {
    // Prepare
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const boom = new Error('store unavailable');
    const handler = sqsHandler(
      async () => {
        throw boom;
      },
      { queue: 'batch-sends', schema: Item, describe: ({ tradeNo }) => ({ tradeNo }) },
    );

    // Act
    await handler(eventOf(record('m1', '{"tradeNo":"t-1","mobile":"254712345678"}')), lambdaContext());

    // Assess
    expect(errors.mock.calls).toEqual([
      ['batch-sends message failed; it comes back', { tradeNo: 't-1', error: boom }],
    ]);
  });
});

describe('sqsBatchHandler', () => {
  it('hands the whole batch to the use case and answers with its failures', async () => {
    // Prepare
    const handler = sqsBatchHandler(async (records) => ({
      batchItemFailures: records
        .filter((r) => r.body === 'retry')
        .map((r) => ({ itemIdentifier: r.messageId })),
    }));

    // Act
    const response = await handler(eventOf(record('m1', 'ok'), record('m2', 'retry')), lambdaContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
  });
});
