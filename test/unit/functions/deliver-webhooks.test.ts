import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { DeadLetter, DeliverWebhooksDeps, EndpointMessage } from '../../../lib/webhooks/deliver';
import { generateWebhookSecret } from '../../../lib/webhooks/sign';
import { lambdaContext } from '../../support/events';

// The module builds its deps at import, from the environment.
vi.hoisted(() => {
  process.env.WEBHOOKS_QUEUE_URL = 'http://127.0.0.1:9/000000000000/payouts-test-webhooks';
  process.env.WEBHOOKS_DLQ_URL = 'http://127.0.0.1:9/000000000000/payouts-test-webhooks-dlq';
});

const { deliverWebhooksHandler, handler } = await import('../../../functions/deliver-webhooks');

function sqsRecord(messageId: string, body: string, endpoint?: string): SQSRecord {
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
    messageAttributes: endpoint ? { endpoint: { stringValue: endpoint, dataType: 'String' } } : {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:payouts-test-webhooks',
    awsRegion: 'eu-west-1',
  };
}

const ENVELOPE = JSON.stringify({
  'detail-type': 'Payout Failed',
  time: '2026-11-23T10:00:00Z',
  detail: { tradeNo: 't-1', eventId: 'evt-1' },
});

describe('deliver-webhooks', () => {
  it('exports the composed handler', () => {
    expect(typeof handler).toBe('function');
  });

  it('answers SQS with the records to receive again', async () => {
    // Prepare
    const sent: EndpointMessage[] = [];
    const deadLetters: DeadLetter[] = [];
    const deps: DeliverWebhooksDeps = {
      queue: {
        sendBatch: async (messages) => {
          sent.push(...messages);
        },
        changeVisibility: async () => undefined,
        sendToDeadLetter: async (letter) => {
          deadLetters.push(letter);
        },
      },
      endpoints: async () => [
        { id: 'erp', url: 'http://127.0.0.1:9/hooks', secret: generateWebhookSecret() },
      ],
      timeoutMs: 1_000,
      retryScale: 1,
      log: {
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      } as DeliverWebhooksDeps['log'],
      counter: { count: () => undefined },
      now: () => new Date(),
      fetch: vi.fn(async () => new Response(null, { status: 503 })),
    };
    const event: SQSEvent = {
      Records: [sqsRecord('fan', ENVELOPE), sqsRecord('bad', 'nope'), sqsRecord('post', ENVELOPE, 'erp')],
    };
    // Act
    const result = await deliverWebhooksHandler(deps)(event, lambdaContext());
    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'post' }] });
    expect(sent).toEqual([{ endpoint: 'erp', body: ENVELOPE }]);
    expect(deadLetters.map((letter) => letter.attributes.reason)).toEqual(['malformed-event']);
    expect(deps.fetch).toHaveBeenCalledTimes(1);
  });
});
