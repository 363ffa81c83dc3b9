import type { BatchSendQueue, BatchStepQueue } from '../../../lib/batches/queue';
import { QueueUnavailableError } from '../../../lib/errors';

/** The batch-steps queue in memory: every step asked for, in order. */
export class RecordingStepQueue implements BatchStepQueue {
  readonly woken: Array<{ batchId: string; delaySeconds: number }> = [];

  async wake(batchId: string, delaySeconds = 0): Promise<void> {
    this.woken.push({ batchId, delaySeconds });
  }
}

/** The batch-sends queue in memory: every tradeNo queued, in order, and each message's delay. */
export class RecordingSendQueue implements BatchSendQueue {
  readonly queued: string[] = [];
  readonly messages: Array<{ tradeNo: string; delaySeconds: number }> = [];
  private failures = 0;

  /** The next `times` enqueues throw, as a queue that refuses every message would. */
  failNext(times = 1): this {
    this.failures += times;
    return this;
  }

  async enqueue(tradeNos: readonly string[], options: { delaySeconds?: number } = {}): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new QueueUnavailableError('The batch-sends queue refused the messages (fake).');
    }
    this.queued.push(...tradeNos);
    this.messages.push(...tradeNos.map((tradeNo) => ({ tradeNo, delaySeconds: options.delaySeconds ?? 0 })));
  }
}
