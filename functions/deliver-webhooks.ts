import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../lib/logger';
import { publishMetrics } from '../lib/metrics';
import { loadWebhookConfig } from '../lib/webhooks/config';
import { type DeliverWebhooksDeps, deliverWebhooks } from '../lib/webhooks/deliver';
import { buildWebhookServices } from '../lib/webhooks/services';

/** SQS (webhooks queue, ReportBatchItemFailures): fans events out to endpoints and delivers them, signed. */
export function deliverWebhooksHandler(services: DeliverWebhooksDeps) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .handler(async (event) => deliverWebhooks(services, event.Records));
}

export const handler = deliverWebhooksHandler(buildWebhookServices(loadWebhookConfig()));
