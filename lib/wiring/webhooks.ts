import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { logger } from '../shared/logger';
import { cloudWatchCounter } from '../shared/metrics';
import type { WebhookConfig } from '../webhooks/config';
import type { DeliverWebhooksDeps } from '../webhooks/deliver';
import { cachedWebhookEndpoints } from '../webhooks/endpoints';
import { SqsWebhookQueue } from '../webhooks/queue';

/*
 * deliver-webhooks' wiring, apart from lib/wiring/payouts.ts so the payout functions' bundles never
 * carry the SQS client, and this one never carries the Paypro client or the table.
 */

/** deliver-webhooks: the queue, the endpoints secret, log, metrics and clock; built once per container. */
export function buildWebhookDeps(config: WebhookConfig): DeliverWebhooksDeps {
  return {
    // Region, credentials and AWS_ENDPOINT_URL_SQS (locally) come from the environment.
    queue: new SqsWebhookQueue(new SQSClient({}), config.webhooksQueueUrl, config.webhooksDlqUrl),
    endpoints: cachedWebhookEndpoints(
      new SecretsManagerClient({}),
      config.webhooksSecretId,
      config.secretCacheTtlMs,
    ),
    timeoutMs: config.webhookTimeoutMs,
    retryScale: config.webhookRetryScale,
    log: logger,
    counter: cloudWatchCounter,
    now: () => new Date(),
  };
}
