import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lib/errors';
import { loadWebhookConfig } from '../../../../lib/webhooks/config';

const required = {
  WEBHOOKS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/payouts-prod-webhooks',
  WEBHOOKS_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/payouts-prod-webhooks-dlq',
};

describe('loadWebhookConfig', () => {
  it('fills the documented defaults', () => {
    expect(loadWebhookConfig({ ...required, STAGE: 'prod' })).toEqual({
      stage: 'prod',
      webhooksQueueUrl: required.WEBHOOKS_QUEUE_URL,
      webhooksDlqUrl: required.WEBHOOKS_DLQ_URL,
      webhooksSecretId: 'paypro-webhooks/prod',
      webhookTimeoutMs: 10_000,
      webhookRetryScale: 1,
      secretCacheTtlMs: 300_000,
    });
  });

  it('reads the overrides', () => {
    const config = loadWebhookConfig({
      ...required,
      WEBHOOKS_SECRET_ID: 'other/secret',
      WEBHOOK_TIMEOUT_MS: '250',
      WEBHOOK_RETRY_SCALE: '0.001',
      SECRET_CACHE_TTL_S: '0',
    });

    expect(config).toMatchObject({
      webhooksSecretId: 'other/secret',
      webhookTimeoutMs: 250,
      webhookRetryScale: 0.001,
      secretCacheTtlMs: 0,
    });
  });

  it('names every missing or bad variable', () => {
    expect(() =>
      loadWebhookConfig({
        WEBHOOKS_DLQ_URL: 'payouts-dlq',
        WEBHOOK_TIMEOUT_MS: '30001',
        WEBHOOK_RETRY_SCALE: '2',
        SECRET_CACHE_TTL_S: '-1',
      }),
    ).toThrow(
      new ConfigError(
        'Invalid configuration: WEBHOOKS_QUEUE_URL is required but not set; WEBHOOKS_DLQ_URL must be an http(s) URL; ' +
          'WEBHOOK_TIMEOUT_MS must be at most 30000; WEBHOOK_RETRY_SCALE must be a number greater than 0 and at most 1; ' +
          'SECRET_CACHE_TTL_S must be at least 0.',
      ),
    );
    expect(() => loadWebhookConfig({ ...required, WEBHOOK_RETRY_SCALE: '0' })).toThrow(
      'WEBHOOK_RETRY_SCALE must be a number greater than 0 and at most 1',
    );
    expect(() => loadWebhookConfig({ ...required, WEBHOOK_TIMEOUT_MS: '1.5' })).toThrow(
      'WEBHOOK_TIMEOUT_MS must be a whole number',
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadWebhookConfig({ ...required, WEBHOOK_RETRY_SCALE: '', WEBHOOKS_SECRET_ID: '' })).toMatchObject(
      {
        webhookRetryScale: 1,
        webhooksSecretId: 'paypro-webhooks/dev',
      },
    );
  });
});
