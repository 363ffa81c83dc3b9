/*
 * What `npm start` runs with, read once from the environment: ports, keys, intervals, the dev
 * secret unless PAYPRO_* name another, and the one local webhook endpoint.
 */
import { generateWebhookSecret, webhookKey } from '../../lib/webhooks/sign';
import { LOCAL_DEV_SECRET } from './dev-secret';

const env = process.env;

/** A port from the environment variable `name`, else `fallback` (0: an ephemeral port). */
export const port = (name: string, fallback: number) => Number(env[name] ?? fallback);

/** SANDBOX_BALANCE as KES; undefined when unset; fails fast on anything but a non-negative number. */
function sandboxBalance(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const kes = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(kes)) {
    throw new Error('SANDBOX_BALANCE must be a non-negative number of KES, e.g. 50000.');
  }
  return kes;
}

/** The launcher's settings. */
export const settings = {
  stage: env.STAGE ?? 'dev',
  apiPort: port('API_PORT', 3000),
  lambdaPort: port('LAMBDA_PORT', 3002),
  apiKey: env.LOCAL_API_KEY ?? 'local-dev-key',
  // What the stand-in for IAM (infra/local/iam-authorizer.cjs) wants on the /admin routes.
  adminKey: env.LOCAL_ADMIN_KEY || 'local-admin-key',
  reconcileIntervalS: Number(env.RECONCILE_INTERVAL_S ?? 30),
  // wake-batches' schedule is a minute deployed; locally a few seconds.
  wakeBatchesIntervalS: Number(env.WAKE_BATCHES_INTERVAL_S ?? 5),
  // float-monitor's schedule is a minute deployed; locally a few seconds, so a check asked for
  // by a payout refused for lack of funds happens at once. FLOAT_CHECK_S still paces the reads.
  floatMonitorIntervalS: Number(env.FLOAT_MONITOR_INTERVAL_S ?? 5),
  floatLowWatermark: env.FLOAT_LOW_WATERMARK || '100000',
  // paypro-breaker's schedule is a minute deployed; locally a few seconds, so a transition a
  // sender recorded is announced at once. PAYPRO_PROBE_S still paces the probes.
  payproBreakerIntervalS: Number(env.PAYPRO_BREAKER_INTERVAL_S ?? 5),
  floatCheckS: env.FLOAT_CHECK_S || '30',
  // send-batch-items invocations at once: the batchSendConcurrency param's default (AWS's minimum),
  // which bounds how hard a batch hits Paypro; more to drain a big batch faster locally.
  batchSendConcurrency: Number(env.LOCAL_BATCH_SEND_CONCURRENCY ?? 2),
  salt: env.PAYPRO_SIGN_SALT === 'suffix' ? ('suffix' as const) : ('prefix' as const),
  payproBaseUrl: env.PAYPRO_BASE_URL || undefined,
  // The local sandbox's merchant balance at start, KES (default: the sandbox's 1,000,000,000).
  sandboxBalance: sandboxBalance(env.SANDBOX_BALANCE),
  // The sandbox serves Balance Inquiry where the functions will ask for it.
  balancePath: env.PAYPRO_BALANCE_PATH || undefined,
  // Stands in for the table stream (see sweepOutbox); 0 turns it off.
  outboxIntervalMs: Number(env.LOCAL_OUTBOX_INTERVAL_MS ?? 1000),
  webhookUrl: env.WEBHOOK_URL || undefined,
  secret: {
    merchantNo: env.PAYPRO_MERCHANT_NO ?? LOCAL_DEV_SECRET.merchantNo,
    appSecret: env.PAYPRO_APP_SECRET ?? LOCAL_DEV_SECRET.appSecret,
    callbackKey: env.PAYPRO_CALLBACK_KEY ?? LOCAL_DEV_SECRET.callbackKey,
  },
};

/**
 * The one local webhook endpoint, from WEBHOOK_URL and WEBHOOK_SECRET; a secret is generated
 * (and shown, being a throwaway dev secret) when none is given. A given secret is never printed.
 */
export function webhookEndpoint(): { url: string; secret: string; generated: boolean } | undefined {
  const url = settings.webhookUrl;
  if (url === undefined) return undefined;
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw new Error('WEBHOOK_URL must be an http(s) URL.');
  }
  const given = env.WEBHOOK_SECRET || undefined;
  if (given === undefined) return { url, secret: generateWebhookSecret(), generated: true };
  try {
    webhookKey(given);
  } catch {
    throw new Error(
      'WEBHOOK_SECRET must be a Standard Webhooks secret: whsec_ + base64 of 24 to 64 bytes (or unset it to have one generated).',
    );
  }
  return { url, secret: given, generated: false };
}
