import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type SendItemDeps, sendQueuedItem } from '../lib/batches/send-item';
import { buildSendItemServices } from '../lib/batches/services';
import { type Config, loadConfig } from '../lib/config';
import { logger } from '../lib/logger';
import { publishMetrics } from '../lib/metrics';

function tradeNoOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { tradeNo?: unknown };
    return typeof parsed.tradeNo === 'string' ? parsed.tradeNo : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SQS (batch-sends queue, ReportBatchItemFailures): sends each queued item once, one after
 * another, so Paypro sees at most the event source's maximum concurrency at a time. A record
 * whose item could not be read comes back; so does an unreadable one, until the DLQ takes it.
 */
export function sendBatchItemsHandler(services: SendItemDeps, config: Pick<Config, 'payproTimeoutMs'>) {
  // One send at worst: a Paypro call and a confirming query, each bounded by PAYPRO_TIMEOUT_MS, and the writes.
  const marginMs = 2 * config.payproTimeoutMs + 5_000;
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .handler(async (event, context) => {
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        // Too close to the timeout for one more send (a Paypro call and its check): it comes back.
        if (context.getRemainingTimeInMillis() < marginMs) {
          batchItemFailures.push({ itemIdentifier: record.messageId });
          continue;
        }
        const tradeNo = tradeNoOf(record.body);
        if (!tradeNo) {
          logger.error('batch-sends message without a tradeNo', { messageId: record.messageId });
          batchItemFailures.push({ itemIdentifier: record.messageId });
          continue;
        }
        try {
          await sendQueuedItem(services, tradeNo);
        } catch (error) {
          logger.error('could not send a batch item; it comes back', { tradeNo, error });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    });
}

const config = loadConfig();
export const handler = sendBatchItemsHandler(buildSendItemServices(config), config);
