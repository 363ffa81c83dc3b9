import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { QueueUnavailableError } from '../errors';

/** Where recorded batch items wait to be sent; the use cases see only this. */
export interface BatchSendQueue {
  /** Queues one message per tradeNo; throws QueueUnavailableError unless every one was taken. */
  enqueue(tradeNos: readonly string[]): Promise<void>;
}

// SendMessageBatch takes at most 10 messages; a few calls at once keep 10,000 within seconds.
const PER_CALL = 10;
const CONCURRENCY = 16;
const ATTEMPTS = 5;

/** The batch-sends queue on SQS; the client finds its endpoint in the environment. */
export class SqsBatchSendQueue implements BatchSendQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(tradeNos: readonly string[]): Promise<void> {
    const chunks: string[][] = [];
    for (let i = 0; i < tradeNos.length; i += PER_CALL) chunks.push(tradeNos.slice(i, i + PER_CALL));
    const worker = async () => {
      for (let chunk = chunks.shift(); chunk !== undefined; chunk = chunks.shift()) await this.send(chunk);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  /** Sends one chunk, again for the entries SQS refused (throttling), a few times. */
  private async send(chunk: readonly string[]): Promise<void> {
    let left = [...chunk];
    for (let attempt = 1; left.length > 0; attempt += 1) {
      if (attempt > ATTEMPTS) {
        throw new QueueUnavailableError(`The batch-sends queue refused ${left.length} messages.`);
      }
      try {
        const { Failed = [] } = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: left.map((tradeNo, i) => ({ Id: String(i), MessageBody: JSON.stringify({ tradeNo }) })),
          }),
        );
        const failed = new Set(Failed.map((entry) => Number(entry.Id)));
        left = left.filter((_, i) => failed.has(i));
      } catch (error) {
        if (attempt >= ATTEMPTS) {
          throw new QueueUnavailableError('Could not send to the batch-sends queue.', { cause: error });
        }
      }
      if (left.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    }
  }
}
