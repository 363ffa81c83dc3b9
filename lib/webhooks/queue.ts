import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { QueueUnavailableError } from '../errors';
import type { DeadLetter, EndpointMessage, WebhookQueue } from './deliver';

// SendMessageBatch takes at most 10 messages; ChangeMessageVisibility at most 12 hours.
const BATCH_SIZE = 10;
const MAX_VISIBILITY_S = 12 * 60 * 60;

/** The webhooks queue and its dead-letter queue on SQS; the client finds its endpoint in the environment. */
export class SqsWebhookQueue implements WebhookQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterUrl: string,
  ) {}

  /** Sends one message per endpoint, 10 per call; throws QueueUnavailableError unless SQS took them all. */
  async sendBatch(messages: readonly EndpointMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH_SIZE) {
      const chunk = messages.slice(start, start + BATCH_SIZE);
      let failed: Array<{ Code?: string | undefined }>;
      try {
        const answer = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: chunk.map((message, i) => ({
              Id: String(i),
              MessageBody: message.body,
              MessageAttributes: { endpoint: { DataType: 'String', StringValue: message.endpoint } },
            })),
          }),
        );
        failed = answer.Failed ?? [];
      } catch (error) {
        throw new QueueUnavailableError('Could not send to the webhooks queue.', { cause: error });
      }
      if (failed.length > 0) {
        const codes = [...new Set(failed.map((entry) => entry.Code ?? 'unknown'))].join(', ');
        throw new QueueUnavailableError(
          `The webhooks queue refused ${failed.length} of ${chunk.length} messages (${codes}).`,
        );
      }
    }
  }

  /** Hides a received message for `delayMs`, rounded up to SQS's whole seconds (at most 12 h). */
  async changeVisibility(receiptHandle: string, delayMs: number): Promise<void> {
    const seconds = Math.min(MAX_VISIBILITY_S, Math.max(0, Math.ceil(delayMs / 1000)));
    try {
      await this.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    } catch (error) {
      throw new QueueUnavailableError('Could not change the visibility of a webhooks message.', {
        cause: error,
      });
    }
  }

  /** Sends a message to the dead-letter queue with its reason as String attributes. */
  async sendToDeadLetter(letter: DeadLetter): Promise<void> {
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.deadLetterUrl,
          MessageBody: letter.body,
          MessageAttributes: Object.fromEntries(
            Object.entries(letter.attributes).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
        }),
      );
    } catch (error) {
      throw new QueueUnavailableError('Could not send to the webhooks dead-letter queue.', { cause: error });
    }
  }
}
