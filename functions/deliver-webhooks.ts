import { sqsBatchHandler } from '../lib/handlers/sqs';
import { loadWebhookConfig } from '../lib/webhooks/config';
import { type DeliverWebhooksDeps, deliverWebhooks } from '../lib/webhooks/deliver';
import { buildWebhookServices } from '../lib/webhooks/services';

/** SQS (webhooks queue, ReportBatchItemFailures): fans events out to endpoints and delivers them, signed. */
export function deliverWebhooksHandler(services: DeliverWebhooksDeps) {
  return sqsBatchHandler((records) => deliverWebhooks(services, records));
}

export const handler = deliverWebhooksHandler(buildWebhookServices(loadWebhookConfig()));
