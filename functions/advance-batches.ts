import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type AdvanceDeps, advanceBatch } from '../lib/batches/advance';
import { buildAdvanceServices } from '../lib/batches/services';
import { loadConfig } from '../lib/config';
import { logger } from '../lib/logger';
import { publishMetrics } from '../lib/metrics';

function batchIdOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { batchId?: unknown };
    return typeof parsed.batchId === 'string' ? parsed.batchId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SQS (batch-steps queue, ReportBatchItemFailures): takes each named batch as far as it can go
 * now (lib/batches/advance.ts). A record whose run failed comes back after the visibility
 * timeout, and after five failures goes to the dead-letter queue (alarmed).
 */
export function advanceBatchesHandler(services: AdvanceDeps) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .handler(async (event, context) => {
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        const batchId = batchIdOf(record.body);
        if (!batchId) {
          logger.error('batch-steps message without a batchId', { messageId: record.messageId });
          batchItemFailures.push({ itemIdentifier: record.messageId });
          continue;
        }
        try {
          const summary = await advanceBatch(services, batchId, () => context.getRemainingTimeInMillis());
          logger.info('batch advanced', { ...summary });
        } catch (error) {
          services.counter.count('BatchStepFailure');
          logger.error('a batch step failed; it runs again', { batchId, error });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    });
}

export const handler = advanceBatchesHandler(buildAdvanceServices(loadConfig()));
