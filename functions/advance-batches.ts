import * as z from 'zod/mini';
import { type AdvanceDeps, advanceBatch } from '../lib/batches/advance';
import { readConfig } from '../lib/config';
import { sqsHandler } from '../lib/handlers/sqs';
import { buildAdvanceDeps, readAdvance } from '../lib/wiring/batches';

/** A batch-steps message: the batch to take further. */
const BatchStep = z.object({ batchId: z.string().check(z.minLength(1)) });

/**
 * SQS (batch-steps queue, ReportBatchItemFailures): takes each named batch as far as it can go
 * now (lib/batches/advance.ts). A record whose run failed comes back after the visibility
 * timeout, and after five failures goes to the dead-letter queue (alarmed).
 */
export function advanceBatchesHandler(deps: AdvanceDeps) {
  return sqsHandler(
    ({ batchId }, context) => advanceBatch(deps, batchId, () => context.getRemainingTimeInMillis()),
    {
      queue: 'batch-steps',
      schema: BatchStep,
      describe: ({ batchId }) => ({ batchId }),
      doneMessage: 'batch advanced',
      onFailure: () => deps.counter.count('BatchStepFailure'),
    },
  );
}

export const handler = advanceBatchesHandler(buildAdvanceDeps(readConfig(readAdvance)));
