import { ConfigError } from '../errors';

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

type Read<T> = (text: string) => T | { problem: string };

const queueUrl: Read<string> = (text) =>
  /^https?:\/\//i.test(text) && URL.canParse(text) ? text : { problem: 'must be an http(s) URL' };

function wholeNumber(min: number, max: number): Read<number> {
  return (text) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) return { problem: 'must be a whole number' };
    if (value < min) return { problem: `must be at least ${min}` };
    if (value > max) return { problem: `must be at most ${max}` };
    return value;
  };
}

// Above 1 a delay could pass SQS's 12 h visibility limit; the schedule is the production one.
const retryScale: Read<number> = (text) => {
  const value = Number(text);
  return Number.isFinite(value) && value > 0 && value <= 1
    ? value
    : { problem: 'must be a number greater than 0 and at most 1' };
};

/** Parses the environment; throws a ConfigError naming every missing or bad variable. */
export function loadWebhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  const problems: string[] = [];
  // An empty variable is treated as unset, as in lib/config.ts.
  function read<T>(name: string, reader: Read<T>, fallback: T): T;
  function read<T>(name: string, reader: Read<T>): T | undefined;
  function read<T>(name: string, reader: Read<T>, fallback?: T): T | undefined {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = reader(text);
    if (typeof value !== 'object' || value === null || !('problem' in value)) return value;
    problems.push(`${name} ${value.problem}`);
    return fallback;
  }
  function required<T>(name: string, reader: Read<T>): T {
    const text = env[name];
    if (text === undefined || text === '') problems.push(`${name} is required but not set`);
    // On a problem the value is never used: loadWebhookConfig throws below.
    return read(name, reader) as T;
  }

  const stage = read('STAGE', (text) => text, 'dev');
  const webhooksQueueUrl = required('WEBHOOKS_QUEUE_URL', queueUrl);
  const webhooksDlqUrl = required('WEBHOOKS_DLQ_URL', queueUrl);
  const webhooksSecretId = read('WEBHOOKS_SECRET_ID', (text) => text, `paypro-webhooks/${stage}`);
  // One attempt must end well within the function's timeout; receivers should answer in seconds.
  const webhookTimeoutMs = read('WEBHOOK_TIMEOUT_MS', wholeNumber(1, 30_000), 10_000);
  const webhookRetryScale = read('WEBHOOK_RETRY_SCALE', retryScale, 1);
  const secretCacheTtlS = read('SECRET_CACHE_TTL_S', wholeNumber(0, Number.MAX_SAFE_INTEGER), 300);

  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}.`);
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
