import { z } from 'zod';
import { ConfigError } from './errors';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

const positiveInt = z.coerce.number({ message: 'must be a whole number' }).int().positive();

const httpUrl = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .transform((u) => u.replace(/\/+$/, ''));

const envSchema = z
  .object({
    STAGE: z.string().min(1).default('dev'),
    PAYOUTS_TABLE: z.string().min(3).optional(),
    PAYPRO_BASE_URL: httpUrl,
    PAYPRO_SECRET_ID: z.string().min(1).optional(),
    PAYPRO_SIGN_SALT: z.enum(['prefix', 'suffix']).default('prefix'),
    // Below the create function's 20 s Lambda timeout, with room for the DynamoDB writes.
    PAYPRO_TIMEOUT_MS: positiveInt.max(15_000, { message: 'must be at most 15000' }).default(5_000),
    PUBLIC_BASE_URL: httpUrl,
    PAYOUT_MIN_AMOUNT: positiveInt.default(50),
    PAYOUT_MAX_AMOUNT: positiveInt.default(250_000),
    CALLBACK_VERIFY_BY_QUERY: booleanFlag.default(true),
    SECRET_CACHE_TTL_S: z.coerce.number().int().min(0).default(300),
    RECONCILE_MIN_AGE_S: positiveInt.default(60),
    RECONCILE_BATCH_SIZE: positiveInt.max(500).default(25),
    RECONCILE_FLAG_AFTER_S: positiveInt.default(24 * 60 * 60),
  })
  .refine((env) => env.PAYOUT_MIN_AMOUNT <= env.PAYOUT_MAX_AMOUNT, {
    path: ['PAYOUT_MIN_AMOUNT'],
    message: 'must not exceed PAYOUT_MAX_AMOUNT',
  });

/** The service's settings, read from the environment once per container. */
export interface Config {
  stage: string;
  payoutsTable: string;
  payproBaseUrl: string;
  payproSecretId: string;
  payproSignSalt: 'prefix' | 'suffix';
  payproTimeoutMs: number;
  publicBaseUrl: string;
  payoutMinAmount: number;
  payoutMaxAmount: number;
  callbackVerifyByQuery: boolean;
  secretCacheTtlMs: number;
  reconcileMinAgeMs: number;
  reconcileBatchSize: number;
  reconcileFlagAfterMs: number;
}

/** Parses the environment; throws a ConfigError naming every missing or bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable is treated as unset, so `VAR=` cannot smuggle in an empty value.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return present[name] === undefined ? `${name} is required but not set` : `${name} ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}.`);
  }
  const e = parsed.data;
  return {
    stage: e.STAGE,
    payoutsTable: e.PAYOUTS_TABLE ?? `payouts-${e.STAGE}`,
    payproBaseUrl: e.PAYPRO_BASE_URL,
    payproSecretId: e.PAYPRO_SECRET_ID ?? `paypro/${e.STAGE}`,
    payproSignSalt: e.PAYPRO_SIGN_SALT,
    payproTimeoutMs: e.PAYPRO_TIMEOUT_MS,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    payoutMinAmount: e.PAYOUT_MIN_AMOUNT,
    payoutMaxAmount: e.PAYOUT_MAX_AMOUNT,
    callbackVerifyByQuery: e.CALLBACK_VERIFY_BY_QUERY,
    secretCacheTtlMs: e.SECRET_CACHE_TTL_S * 1000,
    reconcileMinAgeMs: e.RECONCILE_MIN_AGE_S * 1000,
    reconcileBatchSize: e.RECONCILE_BATCH_SIZE,
    reconcileFlagAfterMs: e.RECONCILE_FLAG_AFTER_S * 1000,
  };
}
