import type { BatchSendQueue, BatchStepQueue } from '../../../lib/batches/queue';

/** The batch-steps queue in memory: every step asked for, in order. */
export class RecordingStepQueue implements BatchStepQueue {
  readonly woken: Array<{ batchId: string; delaySeconds: number }> = [];

  async wake(batchId: string, delaySeconds = 0): Promise<void> {
    this.woken.push({ batchId, delaySeconds });
  }
}

/** The batch-sends queue in memory: every tradeNo queued, in order. */
export class RecordingSendQueue implements BatchSendQueue {
  readonly queued: string[] = [];

  async enqueue(tradeNos: readonly string[]): Promise<void> {
    this.queued.push(...tradeNos);
  }
}
