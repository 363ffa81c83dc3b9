import { sqsBatchHandler } from '../lib/handlers/sqs';
import { loadWebhookConfig } from '../lib/webhooks/config';
import { type DeliverWebhooksDeps, deliverWebhooks } from '../lib/webhooks/deliver';
import { buildWebhookDeps } from '../lib/wiring/webhooks';

/** SQS (webhooks queue, ReportBatchItemFailures): fans events out to endpoints and delivers them, signed. */
export function deliverWebhooksHandler(deps: DeliverWebhooksDeps) {
  return sqsBatchHandler((records) => deliverWebhooks(deps, records));
}

export const handler = deliverWebhooksHandler(buildWebhookDeps(loadWebhookConfig()));
