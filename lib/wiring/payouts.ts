import type { ResendPayoutDeps } from '../admin/resend-payout';
import type { ResolvePayoutDeps } from '../admin/resolve-payout';
import {
  type AmountConfig,
  type CallbackConfig,
  type Config,
  type EventConfig,
  type PayproConfig,
  type ReconcileConfig,
  readAmounts,
  readDailyCaps,
  readEvents,
  readPublicBaseUrl,
  readReconcile,
  readReconcileMinAge,
  readResendAfter,
  readVerifyByQuery,
  requireDailyCaps,
  type TableConfig,
} from '../config';
import { EventBridgeBus } from '../events/bus';
import type { PublishDeps } from '../events/publish';
import type { DailyCaps } from '../limits/caps';
import type { CallbackDeps } from '../payouts/callback';
import type { CreatePayoutDeps } from '../payouts/create';
import { DuePayoutRepository } from '../payouts/due';
import type { ReconcileDeps } from '../payouts/reconcile';
import type { PayoutRepository } from '../payouts/repository';
import { ResendRepository } from '../payouts/resend-repository';
import type { SettleDeps } from '../payouts/settle';
import { type BreakerConfig, readBreakerConfig } from '../paypro/breaker-config';
import type { EnvReader } from '../shared/env';
import { logger } from '../shared/logger';
import { cloudWatchCounter } from '../shared/metrics';
import {
  buildFloatChecks,
  buildPayproClient,
  buildPayproSecret,
  buildSenderBreaker,
  readPayproCaller,
} from './paypro';
import { buildPayoutStores, buildRepository, createDocumentClient, readStageTables } from './tables';

export { buildRepository, createDocumentClient } from './tables';

/*
 * Wiring per function: each builder constructs only what its use case needs, and each reader
 * reads only the settings it uses, so a function's bundle carries nothing else and its start
 * needs no other variable (get-payout wires only the table, from lib/wiring/tables.ts: no Paypro
 * client, no Secrets Manager, no PAYPRO_BASE_URL). Everything is built once per container, at
 * module load.
 */

/** The use cases take ports; what is wired here is the DynamoDB store, and tests may read its outbox. */
type OnDynamo = { repository: PayoutRepository };

/** Everything every use case needs, for tests, the bench and the local launcher. */
export type Deps = CreatePayoutDeps & CallbackDeps & ReconcileDeps & OnDynamo;

/** What every caller of Paypro that settles payouts reads: the tables and Paypro's client and secret. */
type SettlerConfig = TableConfig & PayproConfig;

/** What every sender reads besides: notifyUrl's base and the breaker. */
type SenderConfig = SettlerConfig & Pick<CallbackConfig, 'publicBaseUrl'> & { breaker: BreakerConfig };

/** The store, the Paypro client, the secret and the log, metrics and clock that every settler shares. */
function buildSettlerDeps(config: SettlerConfig): SettleDeps & OnDynamo & Pick<Deps, 'paypro' | 'secret'> {
  return {
    ...buildPayoutStores(config),
    paypro: buildPayproClient(config),
    secret: buildPayproSecret(config),
    log: logger,
    counter: cloudWatchCounter,
    now: () => new Date(),
  };
}

/** A settler's deps with what a sender adds: notifyUrl's base, the breaker, the float's check requests. */
function buildSenderDeps(config: SenderConfig) {
  const client = createDocumentClient();
  return {
    ...buildSettlerDeps(config),
    publicBaseUrl: config.publicBaseUrl,
    breaker: buildSenderBreaker(client, config, config.breaker),
    floatChecks: buildFloatChecks(client, config),
  };
}

/** What every sender reads: the tables, Paypro, PUBLIC_BASE_URL and the breaker's settings. */
function readSender(settings: EnvReader): SenderConfig {
  return {
    ...readPayproCaller(settings),
    ...readPublicBaseUrl(settings),
    breaker: readBreakerConfig(settings),
  };
}

/** create-payout's settings. */
export type CreatePayoutConfig = SenderConfig &
  AmountConfig &
  Pick<ReconcileConfig, 'reconcileMinAgeMs'> & { dailyCaps: DailyCaps };

/** create-payout reads: a sender's settings, the amount bounds, the daily caps (required), RECONCILE_MIN_AGE_S. */
export function readCreatePayout(settings: EnvReader): CreatePayoutConfig {
  return {
    ...readSender(settings),
    ...readAmounts(settings),
    dailyCaps: readDailyCaps(settings),
    ...readReconcileMinAge(settings),
  };
}

/** create-payout: record, send once. */
export function buildCreatePayoutDeps(config: CreatePayoutConfig): CreatePayoutDeps {
  return {
    ...buildSenderDeps(config),
    dailyCaps: config.dailyCaps,
    reconcileMinAgeMs: config.reconcileMinAgeMs,
  };
}

/** paypro-callback's settings. */
export type CallbackFunctionConfig = SettlerConfig & Pick<CallbackConfig, 'callbackVerifyByQuery'>;

/** paypro-callback reads: the tables, Paypro (its query), CALLBACK_VERIFY_BY_QUERY. */
export function readCallbackFunction(settings: EnvReader): CallbackFunctionConfig {
  return { ...readPayproCaller(settings), ...readVerifyByQuery(settings) };
}

/** paypro-callback: authenticate, verify by query, settle; it never sends, so it carries no breaker. */
export function buildCallbackDeps(config: CallbackFunctionConfig): CallbackDeps {
  return {
    ...buildSettlerDeps(config),
    floatChecks: buildFloatChecks(createDocumentClient(), config),
    verifyByQuery: config.callbackVerifyByQuery,
  };
}

/** reconcile's settings. */
export type ReconcileFunctionConfig = SenderConfig & ReconcileConfig;

/** reconcile reads: a sender's settings and every reconciler setting. */
export function readReconcileFunction(settings: EnvReader): ReconcileFunctionConfig {
  return { ...readSender(settings), ...readReconcile(settings) };
}

/** reconcile: query, settle, send what was never sent, send again what Paypro did not take in. */
export function buildReconcileDeps(config: ReconcileFunctionConfig): ReconcileDeps & OnDynamo {
  const client = createDocumentClient();
  return {
    ...buildSenderDeps(config),
    // The one writer that also reads the due index.
    repository: new DuePayoutRepository(client, config.payoutsTable),
    resends: new ResendRepository(client, config.payoutsTable),
    reconcileMinAgeMs: config.reconcileMinAgeMs,
    reconcileBatchSize: config.reconcileBatchSize,
    reconcileConcurrency: config.reconcileConcurrency,
    reconcileFlagAfterMs: config.reconcileFlagAfterMs,
    resendAfterMs: config.resendAfterMs,
    maxResends: config.maxResends,
  };
}

/** admin-resolve-payout reads: the tables and Paypro (its query). */
export const readResolvePayout = readPayproCaller;

/** admin-resolve-payout: ask Paypro's query, then one conditional write; never a payout call, so no breaker. */
export function buildResolvePayoutDeps(config: SettlerConfig): ResolvePayoutDeps {
  return buildSettlerDeps(config);
}

/** admin-resend-payout's settings. */
export type ResendPayoutConfig = SenderConfig & Pick<ReconcileConfig, 'resendAfterMs'>;

/** admin-resend-payout reads: a sender's settings and RESEND_AFTER_S. */
export function readResendPayout(settings: EnvReader): ResendPayoutConfig {
  return { ...readSender(settings), ...readResendAfter(settings) };
}

/**
 * admin-resend-payout: Paypro's query, the release write, then the one send (sendOnce) behind the
 * breaker. Unlike the resolve route, this one can send money.
 */
export function buildResendPayoutDeps(config: ResendPayoutConfig): ResendPayoutDeps {
  return {
    ...buildSenderDeps(config),
    resends: new ResendRepository(createDocumentClient(), config.payoutsTable),
    resendAfterMs: config.resendAfterMs,
  };
}

/** publish-events' and sweep-outbox's settings. */
export type PublishConfig = Pick<TableConfig, 'payoutsTable'> & EventConfig;

/** publish-events and sweep-outbox read: the tables, the bus, OUTBOX_SWEEP_MIN_AGE_S; never Paypro's. */
export function readPublish(settings: EnvReader): TableConfig & EventConfig {
  const tables = readStageTables(settings);
  return { ...tables, ...readEvents(settings, tables) };
}

/** publish-events: the outbox and the stage's event bus. */
export function buildPublishDeps(config: PublishConfig): PublishDeps {
  return {
    repository: buildRepository(config),
    bus: new EventBridgeBus(config.eventBusName),
    log: logger,
    counter: cloudWatchCounter,
    now: () => new Date(),
  };
}

/** Every use case's dependencies at once (one set of clients), as one process serving all routes needs. */
export function buildDeps(config: Config): Deps {
  return {
    ...buildReconcileDeps(config),
    dailyCaps: requireDailyCaps(config),
    verifyByQuery: config.callbackVerifyByQuery,
  };
}
