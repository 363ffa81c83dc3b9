import { ConfigError } from './errors';
import type { DailyCaps } from './limits/caps';

/*
 * Read by hand, not with zod: every function reads its settings at cold start, and this is the
 * only validation get-payout does. zod/mini would add ~24 KB to that bundle and the
 * checks only config uses (URL, coercion, integer, enum, default, refine) ~8 KB to the others.
 */

/** What a reader returns for a value it refuses: the problem, worded to follow the variable's name. */
class Invalid {
  constructor(readonly problem: string) {}
}

type Reader<T> = (text: string) => T | Invalid;

const WHOLE_NUMBER = 'must be a whole number';

/** A whole number from `min` (1 unless given) to `max`, as `Number()` reads it. */
function wholeNumber({ min = 1, max }: { min?: number; max?: number } = {}): Reader<number> {
  return (text) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) return new Invalid(WHOLE_NUMBER);
    if (value < min) return new Invalid(`must be at least ${min}`);
    if (max !== undefined && value > max) return new Invalid(`must be at most ${max}`);
    return value;
  };
}

/** An http(s) URL with its scheme's `//`, without trailing slashes. */
const httpUrl: Reader<string> = (text) => {
  const value = text.trim().replace(/[\t\n\r]/g, '');
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return new Invalid('must be an http(s) URL');
  return value.replace(/\/+$/, '');
};

const FLAGS: Readonly<Record<string, boolean>> = { true: true, '1': true, false: false, '0': false };
const booleanFlag: Reader<boolean> = (text) => FLAGS[text] ?? new Invalid('must be true or false');

function oneOf<const T extends string>(...values: T[]): Reader<T> {
  return (text) =>
    (values as string[]).includes(text) ? (text as T) : new Invalid(`must be ${values.join(' or ')}`);
}

function minLength(min: number): Reader<string> {
  return (text) => (text.length >= min ? text : new Invalid(`must be at least ${min} characters`));
}

const anyText: Reader<string> = (text) => text;

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
  reconcileConcurrency: number;
  reconcileFlagAfterMs: number;
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

/** Parses the environment; throws a ConfigError naming every missing or bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  // An empty variable is treated as unset, so `VAR=` cannot smuggle in an empty value.
  function read<T>(name: string, reader: Reader<T>): T | undefined;
  function read<T>(name: string, reader: Reader<T>, fallback: T): T;
  function read<T>(name: string, reader: Reader<T>, fallback?: T): T | undefined {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = reader(text);
    if (!(value instanceof Invalid)) return value;
    problems.push(`${name} ${value.problem}`);
    return fallback;
  }
  function required<T>(name: string, reader: Reader<T>): T {
    const text = env[name];
    if (text === undefined || text === '') problems.push(`${name} is required but not set`);
    // On a problem the value is never used: loadConfig throws below.
    return read(name, reader) as T;
  }

  const stage = read('STAGE', anyText, 'dev');
  const payoutsTable = read('PAYOUTS_TABLE', minLength(3));
  const payproBaseUrl = required('PAYPRO_BASE_URL', httpUrl);
  const payproSecretId = read('PAYPRO_SECRET_ID', anyText);
  const payproSignSalt = read('PAYPRO_SIGN_SALT', oneOf('prefix', 'suffix'), 'prefix');
  // Below the create function's 20 s Lambda timeout, with room for the DynamoDB writes.
  const payproTimeoutMs = read('PAYPRO_TIMEOUT_MS', wholeNumber({ max: 15_000 }), 5_000);
  const publicBaseUrl = required('PUBLIC_BASE_URL', httpUrl);
  const payoutMinAmount = read('PAYOUT_MIN_AMOUNT', wholeNumber(), 50);
  const payoutMaxAmount = read('PAYOUT_MAX_AMOUNT', wholeNumber(), 250_000);
  const callbackVerifyByQuery = read('CALLBACK_VERIFY_BY_QUERY', booleanFlag, true);
  const secretCacheTtlS = read('SECRET_CACHE_TTL_S', wholeNumber({ min: 0 }), 300);
  const reconcileMinAgeS = read('RECONCILE_MIN_AGE_S', wholeNumber(), 60);
  // The reconciler pages through the open payouts, so one run can take many.
  const reconcileBatchSize = read('RECONCILE_BATCH_SIZE', wholeNumber({ max: 20_000 }), 5_000);
  // Paypro queries in flight at once during a run.
  const reconcileConcurrency = read('RECONCILE_CONCURRENCY', wholeNumber({ max: 50 }), 8);
  const reconcileFlagAfterS = read('RECONCILE_FLAG_AFTER_S', wholeNumber(), 24 * 60 * 60);
  const eventBusName = read('EVENT_BUS_NAME', minLength(1));
  const payoutBatchesTable = read('PAYOUT_BATCHES_TABLE', minLength(3));
  const batchSendsQueueUrl = read('BATCH_SENDS_QUEUE_URL', httpUrl);
  const batchStepsQueueUrl = read('BATCH_STEPS_QUEUE_URL', httpUrl);
  // No default: a stage that wants maker-checker on batches says above what (serverless.yml params).
  const batchApprovalAboveAmount = read('BATCH_APPROVAL_ABOVE_AMOUNT', wholeNumber({ min: 0 }));
  const batchApprovalTtlS = read(
    'BATCH_APPROVAL_TTL_S',
    wholeNumber({ max: 30 * 24 * 60 * 60 }),
    24 * 60 * 60,
  );
  const batchCheckIntervalS = read('BATCH_CHECK_INTERVAL_S', wholeNumber({ max: 900 }), 60);
  const outboxSweepMinAgeS = read('OUTBOX_SWEEP_MIN_AGE_S', wholeNumber({ min: 0 }), 60);
  const payoutLimitsTable = read('PAYOUT_LIMITS_TABLE', minLength(3));
  // No defaults: a stage that records payouts states its caps (serverless.yml params).
  const dailyMaxAmount = read('DAILY_MAX_AMOUNT', wholeNumber());
  const dailyMaxCount = read('DAILY_MAX_COUNT', wholeNumber());
  const recipientDailyMaxAmount = read('RECIPIENT_DAILY_MAX_AMOUNT', wholeNumber());
  const recipientDailyMaxCount = read('RECIPIENT_DAILY_MAX_COUNT', wholeNumber());

  if (problems.length === 0 && payoutMinAmount > payoutMaxAmount) {
    problems.push('PAYOUT_MIN_AMOUNT must not exceed PAYOUT_MAX_AMOUNT');
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}.`);
  return {
    stage,
    payoutsTable: payoutsTable ?? `payouts-${stage}`,
    payproBaseUrl,
    payproSecretId: payproSecretId ?? `paypro/${stage}`,
    payproSignSalt,
    payproTimeoutMs,
    publicBaseUrl,
    payoutMinAmount,
    payoutMaxAmount,
    callbackVerifyByQuery,
    secretCacheTtlMs: secretCacheTtlS * 1000,
    reconcileMinAgeMs: reconcileMinAgeS * 1000,
    reconcileBatchSize,
    reconcileConcurrency,
    reconcileFlagAfterMs: reconcileFlagAfterS * 1000,
    eventBusName: eventBusName ?? `payouts-${stage}`,
    payoutBatchesTable: payoutBatchesTable ?? `payout-batches-${stage}`,
    ...(batchSendsQueueUrl !== undefined && { batchSendsQueueUrl }),
    ...(batchStepsQueueUrl !== undefined && { batchStepsQueueUrl }),
    ...(batchApprovalAboveAmount !== undefined && { batchApprovalAboveAmount }),
    batchApprovalTtlMs: batchApprovalTtlS * 1000,
    batchCheckIntervalMs: batchCheckIntervalS * 1000,
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
