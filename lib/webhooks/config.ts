import { anyText, EnvReader, exactHttpUrl, numberAbove, wholeNumber } from '../shared/env';

/*
 * deliver-webhooks' own settings, read by hand like lib/config.ts: it needs none of the Paypro
 * settings that loadConfig requires, and none of those functions need these.
 */

/** deliver-webhooks' settings, read from the environment once per container. */
export interface WebhookConfig {
  stage: string;
  /** The `payouts-<stage>-webhooks` queue: fan-out sends the per-endpoint messages back to it. */
  webhooksQueueUrl: string;
  /** Its dead-letter queue: rejected and undeliverable messages go there, with the reason. */
  webhooksDlqUrl: string;
  webhooksSecretId: string;
  webhookTimeoutMs: number;
  /** Factor on every retry delay; 1 in production, e.g. 0.001 locally (30 s → 30 ms). */
  webhookRetryScale: number;
  secretCacheTtlMs: number;
}

/** Parses the environment; throws a ConfigError naming every missing or bad variable. */
export function loadWebhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  const settings = new EnvReader(env);

  const stage = settings.optional('STAGE', anyText, 'dev');
  const webhooksQueueUrl = settings.required('WEBHOOKS_QUEUE_URL', exactHttpUrl);
  const webhooksDlqUrl = settings.required('WEBHOOKS_DLQ_URL', exactHttpUrl);
  const webhooksSecretId = settings.optional('WEBHOOKS_SECRET_ID', anyText, `paypro-webhooks/${stage}`);
  // One attempt must end well within the function's timeout; receivers should answer in seconds.
  const webhookTimeoutMs = settings.optional('WEBHOOK_TIMEOUT_MS', wholeNumber({ max: 30_000 }), 10_000);
  // Above 1 a delay could pass SQS's 12 h visibility limit; the schedule is the production one.
  const webhookRetryScale = settings.optional('WEBHOOK_RETRY_SCALE', numberAbove(0, 1), 1);
  const secretCacheTtlS = settings.optional('SECRET_CACHE_TTL_S', wholeNumber({ min: 0 }), 300);

  settings.done();
  return {
    stage,
    webhooksQueueUrl,
    webhooksDlqUrl,
    webhooksSecretId,
    webhookTimeoutMs,
    webhookRetryScale,
    secretCacheTtlMs: secretCacheTtlS * 1000,
  };
}
