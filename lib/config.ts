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

/** The service's settings, read from the environment once per container. */
export interface Config {
  stage: string;
  payoutsTable: string;
  payproBaseUrl: string;
  payproSecretId: string;
  payproSignSalt: 'prefix' | 'suffix';
  payproTimeoutMs: number;
  /**
   * Where Paypro's Balance Inquiry lives (unconfirmed for Kenya); unset: the client's
   * DEFAULT_BALANCE_PATH, kept there so functions without a Paypro client do not load it.
   */
  payproBalancePath?: string;
  publicBaseUrl: string;
  /** The breaker in front of every Paypro money call (PAYPRO_BREAKER_*, PAYPRO_PROBE_S, PAYPRO_RAMP_S). */
  breaker: BreakerConfig;
  payoutMinAmount: number;
  payoutMaxAmount: number;
  callbackVerifyByQuery: boolean;
  secretCacheTtlMs: number;
  reconcileMinAgeMs: number;
  reconcileBatchSize: number;
  reconcileConcurrency: number;
  reconcileFlagAfterMs: number;
  /**
   * RESEND_AFTER_S: how far apart Paypro's query must twice say it does not know a sent payout
   * before the reconciler sends it again (not taken in) or flags it (ambiguous).
   */
  resendAfterMs: number;
  /** MAX_RESENDS: how many times the reconciler sends one payout again, at most, before flagging it. */
  maxResends: number;
  /** The stage's EventBridge custom bus, where payout events are published. */
  eventBusName: string;
  /** The batches table (headers and item lists of POST /payout-batches). */
  payoutBatchesTable: string;
  /** The queue of recorded batch items waiting to be sent (advance-batches). */
  batchSendsQueueUrl?: string;
  /** The queue of batches waiting for their next step (create-payout-batch, advance-batches, the admin routes). */
  batchStepsQueueUrl?: string;
  /** A batch whose total is above this many KES waits for an operator's approval; unset: none does. */
  batchApprovalAboveAmount?: number;
  /** How long a batch awaits approval before it is cancelled. */
  batchApprovalTtlMs: number;
  /** How often a sending batch is counted again until every item is final. */
  batchCheckIntervalMs: number;
  /** How long a batch waiting for funds (AWAITING_FUNDS) waits before the float is read again. */
  floatRecheckMs: number;
  /** How long events wait in an outbox before the scheduled sweep publishes them (the stream goes first). */
  outboxSweepMinAgeMs: number;
  /** The counters of the daily caps (docs/payouts.md, "Caps"). */
  payoutLimitsTable: string;
  /** The daily caps, per Kenya day: required by the functions that record payouts (requireSetting). */
  dailyMaxAmount?: number;
  dailyMaxCount?: number;
  recipientDailyMaxAmount?: number;
  recipientDailyMaxCount?: number;
}

/** A URL path to append to PAYPRO_BASE_URL: starts with `/`, no whitespace. */
const urlPath: Reader<string> = (text) =>
  /^\/\S*$/.test(text) ? text : new Invalid('must be a path starting with / and without whitespace');

/** Parses the environment; throws a ConfigError naming every missing or bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const settings = new EnvReader(env);

  const stage = settings.optional('STAGE', anyText, 'dev');
  const payoutsTable = settings.optional('PAYOUTS_TABLE', minLength(3));
  const payproBaseUrl = settings.required('PAYPRO_BASE_URL', httpUrl);
  const payproSecretId = settings.optional('PAYPRO_SECRET_ID', anyText);
  const payproSignSalt = settings.optional('PAYPRO_SIGN_SALT', oneOf('prefix', 'suffix'), 'prefix');
  // Below the create function's 20 s Lambda timeout, with room for the DynamoDB writes.
  const payproTimeoutMs = settings.optional('PAYPRO_TIMEOUT_MS', wholeNumber({ max: 15_000 }), 5_000);
  const payproBalancePath = settings.optional('PAYPRO_BALANCE_PATH', urlPath);
  const publicBaseUrl = settings.required('PUBLIC_BASE_URL', httpUrl);
  const breaker = readBreakerConfig(settings);
  const payoutMinAmount = settings.optional('PAYOUT_MIN_AMOUNT', wholeNumber(), 50);
  const payoutMaxAmount = settings.optional('PAYOUT_MAX_AMOUNT', wholeNumber(), 250_000);
  const callbackVerifyByQuery = settings.optional('CALLBACK_VERIFY_BY_QUERY', booleanFlag, true);
  const secretCacheTtlS = settings.optional('SECRET_CACHE_TTL_S', wholeNumber({ min: 0 }), 300);
  const reconcileMinAgeS = settings.optional('RECONCILE_MIN_AGE_S', wholeNumber(), 60);
  // The reconciler pages through the open payouts, so one run can take many.
  const reconcileBatchSize = settings.optional('RECONCILE_BATCH_SIZE', wholeNumber({ max: 20_000 }), 5_000);
  // Paypro queries in flight at once during a run.
  const reconcileConcurrency = settings.optional('RECONCILE_CONCURRENCY', wholeNumber({ max: 50 }), 8);
  const reconcileFlagAfterS = settings.optional('RECONCILE_FLAG_AFTER_S', wholeNumber(), 24 * 60 * 60);
  // At most an hour: longer leaves a payroll stranded after an outage for no gain in safety.
  const resendAfterS = settings.optional('RESEND_AFTER_S', wholeNumber({ max: 3600 }), 120);
  // 0 turns the reconciler's resends off: every sent payout Paypro does not know is then flagged.
  const maxResends = settings.optional('MAX_RESENDS', wholeNumber({ min: 0, max: 10 }), 3);
  const eventBusName = settings.optional('EVENT_BUS_NAME', minLength(1));
  const payoutBatchesTable = settings.optional('PAYOUT_BATCHES_TABLE', minLength(3));
  const batchSendsQueueUrl = settings.optional('BATCH_SENDS_QUEUE_URL', httpUrl);
  const batchStepsQueueUrl = settings.optional('BATCH_STEPS_QUEUE_URL', httpUrl);
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
  const outboxSweepMinAgeS = settings.optional('OUTBOX_SWEEP_MIN_AGE_S', wholeNumber({ min: 0 }), 60);
  const payoutLimitsTable = settings.optional('PAYOUT_LIMITS_TABLE', minLength(3));
  // No defaults: a stage that records payouts states its caps (serverless.yml params).
  const dailyMaxAmount = settings.optional('DAILY_MAX_AMOUNT', wholeNumber());
  const dailyMaxCount = settings.optional('DAILY_MAX_COUNT', wholeNumber());
  const recipientDailyMaxAmount = settings.optional('RECIPIENT_DAILY_MAX_AMOUNT', wholeNumber());
  const recipientDailyMaxCount = settings.optional('RECIPIENT_DAILY_MAX_COUNT', wholeNumber());

  if (settings.ok && payoutMinAmount > payoutMaxAmount) {
    settings.problem('PAYOUT_MIN_AMOUNT must not exceed PAYOUT_MAX_AMOUNT');
  }
  settings.done();
  return {
    stage,
    payoutsTable: payoutsTable ?? `payouts-${stage}`,
    payproBaseUrl,
    payproSecretId: payproSecretId ?? `paypro/${stage}`,
    payproSignSalt,
    payproTimeoutMs,
    ...(payproBalancePath !== undefined && { payproBalancePath }),
    publicBaseUrl,
    breaker,
    payoutMinAmount,
    payoutMaxAmount,
    callbackVerifyByQuery,
    secretCacheTtlMs: secretCacheTtlS * 1000,
    reconcileMinAgeMs: reconcileMinAgeS * 1000,
    reconcileBatchSize,
    reconcileConcurrency,
    reconcileFlagAfterMs: reconcileFlagAfterS * 1000,
    resendAfterMs: resendAfterS * 1000,
    maxResends,
    eventBusName: eventBusName ?? `payouts-${stage}`,
    payoutBatchesTable: payoutBatchesTable ?? `payout-batches-${stage}`,
    ...(batchSendsQueueUrl !== undefined && { batchSendsQueueUrl }),
    ...(batchStepsQueueUrl !== undefined && { batchStepsQueueUrl }),
    ...(batchApprovalAboveAmount !== undefined && { batchApprovalAboveAmount }),
    batchApprovalTtlMs: batchApprovalTtlS * 1000,
    batchCheckIntervalMs: batchCheckIntervalS * 1000,
    floatRecheckMs: floatRecheckS * 1000,
    outboxSweepMinAgeMs: outboxSweepMinAgeS * 1000,
    payoutLimitsTable: payoutLimitsTable ?? `payout-limits-${stage}`,
    ...(dailyMaxAmount !== undefined && { dailyMaxAmount }),
    ...(dailyMaxCount !== undefined && { dailyMaxCount }),
    ...(recipientDailyMaxAmount !== undefined && { recipientDailyMaxAmount }),
    ...(recipientDailyMaxCount !== undefined && { recipientDailyMaxCount }),
  };
}

/** A setting one function cannot run without though others can: its value, or a ConfigError naming it. */
export function requireSetting<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw new ConfigError(`Invalid configuration: ${name} is required but not set.`);
  return value;
}

/** The daily caps, which every function that records payouts needs; a ConfigError names each one missing. */
export function requireDailyCaps(config: Config): DailyCaps {
  const settings = {
    DAILY_MAX_AMOUNT: config.dailyMaxAmount,
    DAILY_MAX_COUNT: config.dailyMaxCount,
    RECIPIENT_DAILY_MAX_AMOUNT: config.recipientDailyMaxAmount,
    RECIPIENT_DAILY_MAX_COUNT: config.recipientDailyMaxCount,
  };
  const missing = Object.entries(settings).filter(([, value]) => value === undefined);
  if (missing.length > 0) {
    const names = missing.map(([name]) => `${name} is required but not set`).join('; ');
    throw new ConfigError(`Invalid configuration: ${names}.`);
  }
  return {
    dailyMaxAmount: settings.DAILY_MAX_AMOUNT as number,
    dailyMaxCount: settings.DAILY_MAX_COUNT as number,
    recipientDailyMaxAmount: settings.RECIPIENT_DAILY_MAX_AMOUNT as number,
    recipientDailyMaxCount: settings.RECIPIENT_DAILY_MAX_COUNT as number,
  };
}
