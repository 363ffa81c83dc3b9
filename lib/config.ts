import { ConfigError } from './errors';
import type { DailyCaps } from './limits/caps';
import { type BreakerConfig, readBreakerConfig } from './paypro/breaker-config';
import {
  anyText,
  booleanFlag,
  EnvReader,
  httpUrl,
  Invalid,
  minLength,
  oneOf,
  type Reader,
  wholeNumber,
} from './shared/env';

/*
 * The service's settings, in parts: each function reads only the parts it uses (its family's
 * reader in lib/wiring/), so a function that never calls Paypro does not need PAYPRO_BASE_URL.
 * Every part reads through one EnvReader, so one ConfigError names every problem of a function's
 * settings at once; readConfig reads them once, at the container's start.
 */

/** STAGE: names the stage's tables, bus and secrets when they are not set. */
export type StageConfig = { stage: string };

/** The DynamoDB tables: payouts, batches, and limits (the caps' counters, the breaker's and float's items). */
export type TableConfig = { payoutsTable: string; payoutBatchesTable: string; payoutLimitsTable: string };

/** Paypro's client and its secret. */
export interface PayproConfig {
  payproBaseUrl: string;
  payproSecretId: string;
  payproSignSalt: 'prefix' | 'suffix';
  payproTimeoutMs: number;
  /** Balance Inquiry's path (unconfirmed for Kenya); unset: the client's DEFAULT_BALANCE_PATH. */
  payproBalancePath?: string;
  secretCacheTtlMs: number;
}

/** Paypro's callbacks: the base of notifyUrl, and whether a callback is verified by query. */
export type CallbackConfig = { publicBaseUrl: string; callbackVerifyByQuery: boolean };

/** The bounds of one payout's amount, in KES. */
export type AmountConfig = { payoutMinAmount: number; payoutMaxAmount: number };

/** The reconciler's settings (RECONCILE_*, RESEND_AFTER_S, MAX_RESENDS). */
export interface ReconcileConfig {
  reconcileMinAgeMs: number;
  reconcileBatchSize: number;
  reconcileConcurrency: number;
  reconcileFlagAfterMs: number;
  /** RESEND_AFTER_S: how far apart Paypro's query must twice not know a sent payout before it is sent again or flagged. */
  resendAfterMs: number;
  /** MAX_RESENDS: how many times the reconciler sends one payout again, at most, before flagging it. */
  maxResends: number;
}

/** The stage's EventBridge bus, and how long an outbox waits before the sweep (the stream goes first). */
export type EventConfig = { eventBusName: string; outboxSweepMinAgeMs: number };

/** The batch settings: queues, maker-checker, check intervals. */
export interface BatchConfig {
  /** The queues of items waiting to be sent and of batches waiting for their next step. */
  batchSendsQueueUrl?: string;
  batchStepsQueueUrl?: string;
  /** A batch whose total is above this many KES waits for an operator's approval; unset: none does. */
  batchApprovalAboveAmount?: number;
  /** How long a batch awaits approval; how often a sending one is counted; how long AWAITING_FUNDS waits. */
  batchApprovalTtlMs: number;
  batchCheckIntervalMs: number;
  floatRecheckMs: number;
}

/** The daily caps as set, per Kenya day; required where payouts are recorded (readDailyCaps). */
export type OptionalCaps = Partial<DailyCaps>;

/** Every setting at once: what one process serving every function needs (tests, bench, contract). */
export type Config = StageConfig &
  TableConfig &
  PayproConfig &
  CallbackConfig &
  AmountConfig &
  ReconcileConfig &
  EventConfig &
  BatchConfig &
  OptionalCaps & {
    /** The breaker in front of every Paypro money call (PAYPRO_BREAKER_*, PAYPRO_PROBE_S, PAYPRO_RAMP_S). */
    breaker: BreakerConfig;
  };

/** STAGE, `dev` when unset. */
export function readStage(settings: EnvReader): StageConfig {
  return { stage: settings.optional('STAGE', anyText, 'dev') };
}

/** PAYOUTS_TABLE, PAYOUT_BATCHES_TABLE, PAYOUT_LIMITS_TABLE: each the stage's when unset. */
export function readTables(settings: EnvReader, { stage }: StageConfig): TableConfig {
  return {
    payoutsTable: settings.optional('PAYOUTS_TABLE', minLength(3), `payouts-${stage}`),
    payoutBatchesTable: settings.optional('PAYOUT_BATCHES_TABLE', minLength(3), `payout-batches-${stage}`),
    payoutLimitsTable: settings.optional('PAYOUT_LIMITS_TABLE', minLength(3), `payout-limits-${stage}`),
  };
}

/** A URL path to append to PAYPRO_BASE_URL: starts with `/`, no whitespace. */
const urlPath: Reader<string> = (text) =>
  /^\/\S*$/.test(text) ? text : new Invalid('must be a path starting with / and without whitespace');

/** PAYPRO_BASE_URL (required), PAYPRO_SECRET_ID, PAYPRO_SIGN_SALT, PAYPRO_TIMEOUT_MS, PAYPRO_BALANCE_PATH, SECRET_CACHE_TTL_S. */
export function readPaypro(settings: EnvReader, { stage }: StageConfig): PayproConfig {
  const payproBaseUrl = settings.required('PAYPRO_BASE_URL', httpUrl);
  const payproSecretId = settings.optional('PAYPRO_SECRET_ID', anyText, `paypro/${stage}`);
  const payproSignSalt = settings.optional('PAYPRO_SIGN_SALT', oneOf('prefix', 'suffix'), 'prefix');
  // Below the create function's 20 s Lambda timeout, with room for the DynamoDB writes.
  const payproTimeoutMs = settings.optional('PAYPRO_TIMEOUT_MS', wholeNumber({ max: 15_000 }), 5_000);
  const payproBalancePath = settings.optional('PAYPRO_BALANCE_PATH', urlPath);
  const secretCacheTtlS = settings.optional('SECRET_CACHE_TTL_S', wholeNumber({ min: 0 }), 300);
  return {
    payproBaseUrl,
    payproSecretId,
    payproSignSalt,
    payproTimeoutMs,
    ...(payproBalancePath !== undefined && { payproBalancePath }),
    secretCacheTtlMs: secretCacheTtlS * 1000,
  };
}

/** PUBLIC_BASE_URL (required: every notifyUrl is built on it). */
export function readPublicBaseUrl(settings: EnvReader): Pick<CallbackConfig, 'publicBaseUrl'> {
  return { publicBaseUrl: settings.required('PUBLIC_BASE_URL', httpUrl) };
}

/** CALLBACK_VERIFY_BY_QUERY (default true). */
export function readVerifyByQuery(settings: EnvReader): Pick<CallbackConfig, 'callbackVerifyByQuery'> {
  return { callbackVerifyByQuery: settings.optional('CALLBACK_VERIFY_BY_QUERY', booleanFlag, true) };
}

/** PAYOUT_MIN_AMOUNT (default 50) and PAYOUT_MAX_AMOUNT (250,000), the first not above the second. */
export function readAmounts(settings: EnvReader): AmountConfig {
  const payoutMinAmount = settings.optional('PAYOUT_MIN_AMOUNT', wholeNumber(), 50);
  const payoutMaxAmount = settings.optional('PAYOUT_MAX_AMOUNT', wholeNumber(), 250_000);
  if (settings.ok && payoutMinAmount > payoutMaxAmount) {
    settings.problem('PAYOUT_MIN_AMOUNT must not exceed PAYOUT_MAX_AMOUNT');
  }
  return { payoutMinAmount, payoutMaxAmount };
}

/** RECONCILE_MIN_AGE_S (default 60): how old an open payout is before the reconciler asks Paypro. */
export function readReconcileMinAge(settings: EnvReader): Pick<ReconcileConfig, 'reconcileMinAgeMs'> {
  return { reconcileMinAgeMs: settings.optional('RECONCILE_MIN_AGE_S', wholeNumber(), 60) * 1000 };
}

/** RESEND_AFTER_S (default 120, at most an hour). */
export function readResendAfter(settings: EnvReader): Pick<ReconcileConfig, 'resendAfterMs'> {
  // At most an hour: longer leaves a payroll stranded after an outage for no gain in safety.
  return { resendAfterMs: settings.optional('RESEND_AFTER_S', wholeNumber({ max: 3600 }), 120) * 1000 };
}

/** Every reconciler setting: RECONCILE_*, RESEND_AFTER_S and MAX_RESENDS. */
export function readReconcile(settings: EnvReader): ReconcileConfig {
  const { reconcileMinAgeMs } = readReconcileMinAge(settings);
  // The reconciler pages through the open payouts, so one run can take many.
  const reconcileBatchSize = settings.optional('RECONCILE_BATCH_SIZE', wholeNumber({ max: 20_000 }), 5_000);
  // Paypro queries in flight at once during a run.
  const reconcileConcurrency = settings.optional('RECONCILE_CONCURRENCY', wholeNumber({ max: 50 }), 8);
  const reconcileFlagAfterS = settings.optional('RECONCILE_FLAG_AFTER_S', wholeNumber(), 24 * 60 * 60);
  const { resendAfterMs } = readResendAfter(settings);
  // 0 turns the reconciler's resends off: every sent payout Paypro does not know is then flagged.
  const maxResends = settings.optional('MAX_RESENDS', wholeNumber({ min: 0, max: 10 }), 3);
  return {
    reconcileMinAgeMs,
    reconcileBatchSize,
    reconcileConcurrency,
    reconcileFlagAfterMs: reconcileFlagAfterS * 1000,
    resendAfterMs,
    maxResends,
  };
}

/** EVENT_BUS_NAME (the stage's bus when unset) and OUTBOX_SWEEP_MIN_AGE_S (default 60). */
export function readEvents(settings: EnvReader, { stage }: StageConfig): EventConfig {
  const eventBusName = settings.optional('EVENT_BUS_NAME', minLength(1), `payouts-${stage}`);
  const outboxSweepMinAgeS = settings.optional('OUTBOX_SWEEP_MIN_AGE_S', wholeNumber({ min: 0 }), 60);
  return { eventBusName, outboxSweepMinAgeMs: outboxSweepMinAgeS * 1000 };
}

/** BATCH_SENDS_QUEUE_URL and BATCH_STEPS_QUEUE_URL as set; a function that uses one requires it (lib/wiring/batches.ts). */
export function readBatchQueues(
  settings: EnvReader,
): Pick<BatchConfig, 'batchSendsQueueUrl' | 'batchStepsQueueUrl'> {
  const batchSendsQueueUrl = settings.optional('BATCH_SENDS_QUEUE_URL', httpUrl);
  const batchStepsQueueUrl = settings.optional('BATCH_STEPS_QUEUE_URL', httpUrl);
  return {
    ...(batchSendsQueueUrl !== undefined && { batchSendsQueueUrl }),
    ...(batchStepsQueueUrl !== undefined && { batchStepsQueueUrl }),
  };
}

/** BATCH_APPROVAL_ABOVE_AMOUNT (unset: none waits), BATCH_APPROVAL_TTL_S, BATCH_CHECK_INTERVAL_S, FLOAT_RECHECK_S. */
export function readBatches(
  settings: EnvReader,
): Omit<BatchConfig, 'batchSendsQueueUrl' | 'batchStepsQueueUrl'> {
  // No default: a stage that wants maker-checker on batches says above what (serverless.yml params).
  const batchApprovalAboveAmount = settings.optional('BATCH_APPROVAL_ABOVE_AMOUNT', wholeNumber({ min: 0 }));
  const batchApprovalTtlS = settings.optional(
    'BATCH_APPROVAL_TTL_S',
    wholeNumber({ max: 30 * 24 * 60 * 60 }),
    24 * 60 * 60,
  );
  const batchCheckIntervalS = settings.optional('BATCH_CHECK_INTERVAL_S', wholeNumber({ max: 900 }), 60);
  // At most SQS's longest delay, so the recheck comes by its own message, not only the wake-up.
  const floatRecheckS = settings.optional('FLOAT_RECHECK_S', wholeNumber({ max: 900 }), 300);
  return {
    ...(batchApprovalAboveAmount !== undefined && { batchApprovalAboveAmount }),
    batchApprovalTtlMs: batchApprovalTtlS * 1000,
    batchCheckIntervalMs: batchCheckIntervalS * 1000,
    floatRecheckMs: floatRecheckS * 1000,
  };
}

const CAPS = {
  dailyMaxAmount: 'DAILY_MAX_AMOUNT',
  dailyMaxCount: 'DAILY_MAX_COUNT',
  recipientDailyMaxAmount: 'RECIPIENT_DAILY_MAX_AMOUNT',
  recipientDailyMaxCount: 'RECIPIENT_DAILY_MAX_COUNT',
} as const;

/** The daily caps as set, none required (the operator's balance route shows what is set). */
export function readOptionalCaps(settings: EnvReader): OptionalCaps {
  // No defaults: a stage that records payouts states its caps (serverless.yml params).
  const caps: OptionalCaps = {};
  for (const [key, name] of Object.entries(CAPS) as [keyof DailyCaps, string][]) {
    const value = settings.optional(name, wholeNumber());
    if (value !== undefined) caps[key] = value;
  }
  return caps;
}

/** The daily caps, every one required: what every function that records payouts needs. */
export function readDailyCaps(settings: EnvReader): DailyCaps {
  const caps = {} as DailyCaps;
  for (const [key, name] of Object.entries(CAPS) as [keyof DailyCaps, string][]) {
    caps[key] = settings.required(name, wholeNumber());
  }
  return caps;
}

/**
 * Reads one function's settings from the environment, once: `read` takes every part it uses from
 * one EnvReader, so the ConfigError thrown names every missing or bad variable at once.
 */
export function readConfig<T>(read: (settings: EnvReader) => T, env: NodeJS.ProcessEnv = process.env): T {
  const settings = new EnvReader(env);
  const config = read(settings);
  settings.done();
  return config;
}

/** Every setting at once (one process serving every function); throws a ConfigError naming every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return readConfig((settings) => {
    const stage = readStage(settings);
    return {
      ...stage,
      ...readTables(settings, stage),
      ...readPaypro(settings, stage),
      ...readPublicBaseUrl(settings),
      ...readVerifyByQuery(settings),
      breaker: readBreakerConfig(settings),
      ...readAmounts(settings),
      ...readReconcile(settings),
      ...readEvents(settings, stage),
      ...readBatchQueues(settings),
      ...readBatches(settings),
      ...readOptionalCaps(settings),
    };
  }, env);
}

/** A setting one function cannot run without though others can: its value, or a ConfigError naming it. */
export function requireSetting<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw new ConfigError(`Invalid configuration: ${name} is required but not set.`);
  return value;
}

/** The daily caps of a full Config (tests, the bench); a ConfigError names each one missing. */
export function requireDailyCaps(config: OptionalCaps): DailyCaps {
  const missing = Object.entries(CAPS).filter(([key]) => config[key as keyof DailyCaps] === undefined);
  if (missing.length > 0) {
    const names = missing.map(([, name]) => `${name} is required but not set`).join('; ');
    throw new ConfigError(`Invalid configuration: ${names}.`);
  }
  const { dailyMaxAmount, dailyMaxCount, recipientDailyMaxAmount, recipientDailyMaxCount } =
    config as DailyCaps;
  return { dailyMaxAmount, dailyMaxCount, recipientDailyMaxAmount, recipientDailyMaxCount };
}
