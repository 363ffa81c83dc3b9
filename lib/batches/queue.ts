import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { QueueUnavailableError } from '../errors';
import { chunksOf, forEachLimit } from '../shared/concurrency';

/** Where recorded batch items wait to be sent; the use cases see only this. */
export interface BatchSendQueue {
  /**
   * Queues one message per tradeNo, each delivered no sooner than `delaySeconds` from now (0 to
   * 900; default 0); throws QueueUnavailableError unless every one was taken.
   */
  enqueue(tradeNos: readonly string[], options?: { delaySeconds?: number }): Promise<void>;
}

/** Where batches wait for their next step (advance-batches); the use cases see only this. */
export interface BatchStepQueue {
  /** Asks for the batch's next step in `delaySeconds` (0 to 900); throws QueueUnavailableError when refused. */
  wake(batchId: string, delaySeconds?: number): Promise<void>;
}

// SendMessageBatch takes at most 10 messages; a few calls at once keep 10,000 within seconds.
const PER_CALL = 10;
const CONCURRENCY = 16;
const ATTEMPTS = 5;
/** SQS delays a message at most 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/** A delay as SQS takes it: whole seconds, 0 to MAX_DELAY_SECONDS. */
function delaySecondsFor(seconds: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(seconds)));
}

/** The batch-sends queue on SQS; the client finds its endpoint in the environment. */
export class SqsBatchSendQueue implements BatchSendQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(tradeNos: readonly string[], options: { delaySeconds?: number } = {}): Promise<void> {
    const delay = delaySecondsFor(options.delaySeconds ?? 0);
    await forEachLimit(chunksOf(tradeNos, PER_CALL), CONCURRENCY, (chunk) => this.send(chunk, delay));
  }

  /** Sends one chunk, again for the entries SQS refused (throttling), a few times. */
  private async send(chunk: readonly string[], delaySeconds: number): Promise<void> {
    let left = [...chunk];
    for (let attempt = 1; left.length > 0; attempt += 1) {
      if (attempt > ATTEMPTS) {
        throw new QueueUnavailableError(`The batch-sends queue refused ${left.length} messages.`);
      }
      try {
        const { Failed = [] } = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: left.map((tradeNo, i) => ({
              Id: String(i),
              MessageBody: JSON.stringify({ tradeNo }),
              ...(delaySeconds > 0 && { DelaySeconds: delaySeconds }),
            })),
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

/** The batch-steps queue on SQS: one message `{batchId}` per step asked for. */
export class SqsBatchStepQueue implements BatchStepQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async wake(batchId: string, delaySeconds = 0): Promise<void> {
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify({ batchId }),
          DelaySeconds: delaySecondsFor(delaySeconds),
        }),
      );
    } catch (error) {
      throw new QueueUnavailableError('Could not send to the batch-steps queue.', { cause: error });
    }
  }
}
