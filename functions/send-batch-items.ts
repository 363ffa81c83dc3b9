import * as z from 'zod/mini';
import { type SendItemDeps, sendQueuedItem } from '../lib/batches/send-item';
import { type PayproConfig, readConfig } from '../lib/config';
import { sqsHandler } from '../lib/handlers/sqs';
import { RATE_LIMIT_BUDGET_MS } from '../lib/paypro/rate-limit';
import { buildSendItemDeps, readSendItem } from '../lib/wiring/batches';

/** A batch-sends message: the payout to send, recorded before it was queued. */
const QueuedItem = z.object({ tradeNo: z.string().check(z.minLength(1)) });

/**
 * SQS (batch-sends queue, ReportBatchItemFailures): sends each queued item once, one after
 * another, so Paypro sees at most the event source's maximum concurrency at a time. An item the
 * breaker holds is queued again, delayed, and its record is done with. A record whose item could
 * not be read, or could not be queued again, comes back; so does an unreadable one, until the DLQ
 * takes it.
 */
export function sendBatchItemsHandler(deps: SendItemDeps, config: Pick<PayproConfig, 'payproTimeoutMs'>) {
  return sqsHandler(({ tradeNo }) => sendQueuedItem(deps, tradeNo), {
    queue: 'batch-sends',
    schema: QueuedItem,
    // One send at worst: rate-limited retries starting within RATE_LIMIT_BUDGET_MS, then a Paypro
    // call and a confirming query, each bounded by PAYPRO_TIMEOUT_MS, and the writes.
    marginMs: RATE_LIMIT_BUDGET_MS + 2 * config.payproTimeoutMs + 5_000,
    describe: ({ tradeNo }) => ({ tradeNo }),
  });
}

const config = readConfig(readSendItem);
export const handler = sendBatchItemsHandler(buildSendItemDeps(config), config);
