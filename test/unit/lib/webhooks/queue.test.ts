import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { QueueUnavailableError } from '../../../../lib/errors';
import { SqsWebhookQueue } from '../../../../lib/webhooks/queue';

// Only the error paths: the happy path runs against the local SQS stand-in.
const sqs = mockClient(SQSClient);
const QUEUE = 'http://127.0.0.1:9/000000000000/payouts-test-webhooks';
const DLQ = 'http://127.0.0.1:9/000000000000/payouts-test-webhooks-dlq';
const queue = () => new SqsWebhookQueue(new SQSClient({}), QUEUE, DLQ);
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'RequestThrottled' });

beforeEach(() => {
  sqs.reset();
});

describe('SqsWebhookQueue', () => {
  it('throws QueueUnavailableError when SendMessageBatch fails', async () => {
    sqs.on(SendMessageBatchCommand).rejects(throttled());

    const error = await queue()
      .sendBatch([{ endpoint: 'erp', body: '{}' }])
      .catch((e: unknown) => e);

    expect(error).toEqual(new QueueUnavailableError('Could not send to the webhooks queue.'));
    expect((error as Error).cause).toMatchObject({ name: 'RequestThrottled' });
  });

  it('throws when SQS refuses part of a batch, after sending 10 messages per call', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [] })
      .resolves({
        Failed: [
          { Id: '0', Code: 'InternalError', SenderFault: false },
          { Id: '1', Code: 'InternalError', SenderFault: false },
        ],
      });
    const messages = Array.from({ length: 12 }, (_, i) => ({ endpoint: `ep-${i}`, body: '{"a":1}' }));
    // Act
    const error = await queue()
      .sendBatch(messages)
      .catch((e: unknown) => e);
    // Assess
    expect(error).toEqual(
      new QueueUnavailableError('The webhooks queue refused 2 of 2 messages (InternalError).'),
    );
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Entries?.length)).toEqual([10, 2]);
    expect(calls[1]).toEqual({
      QueueUrl: QUEUE,
      Entries: [
        {
          Id: '0',
          MessageBody: '{"a":1}',
          MessageAttributes: { endpoint: { DataType: 'String', StringValue: 'ep-10' } },
        },
        {
          Id: '1',
          MessageBody: '{"a":1}',
          MessageAttributes: { endpoint: { DataType: 'String', StringValue: 'ep-11' } },
        },
      ],
    });
  });

  it('throws when the visibility cannot be changed, having asked for whole seconds', async () => {
    sqs.on(ChangeMessageVisibilityCommand).rejects(throttled());

    await expect(queue().changeVisibility('rh-1', 30)).rejects.toThrow(
      new QueueUnavailableError('Could not change the visibility of a webhooks message.'),
    );
    await expect(queue().changeVisibility('rh-2', 36_000_000)).rejects.toThrow(QueueUnavailableError);

    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: QUEUE, ReceiptHandle: 'rh-1', VisibilityTimeout: 1 },
      { QueueUrl: QUEUE, ReceiptHandle: 'rh-2', VisibilityTimeout: 36_000 },
    ]);
  });

  it('throws when the dead-letter queue cannot be written, having sent the reason as attributes', async () => {
    sqs.on(SendMessageCommand).rejects(throttled());

    await expect(
      queue().sendToDeadLetter({ body: '{}', attributes: { reason: 'rejected', status: '400' } }),
    ).rejects.toThrow(new QueueUnavailableError('Could not send to the webhooks dead-letter queue.'));

    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: DLQ,
      MessageBody: '{}',
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: 'rejected' },
        status: { DataType: 'String', StringValue: '400' },
      },
    });
  });
});
