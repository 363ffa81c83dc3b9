import type { ResendPayoutDeps } from '../admin/resend-payout';
import type { ResolvePayoutDeps } from '../admin/resolve-payout';
import { type Config, requireDailyCaps } from '../config';
import { EventBridgeBus } from '../events/bus';
import type { PublishDeps } from '../events/publish';
import type { CallbackDeps } from '../payouts/callback';
import type { CreatePayoutDeps } from '../payouts/create';
import { DuePayoutRepository } from '../payouts/due';
import type { ReconcileDeps } from '../payouts/reconcile';
import type { PayoutRepository } from '../payouts/repository';
import { ResendRepository } from '../payouts/resend-repository';
import type { SettleDeps } from '../payouts/settle';
import { logger } from '../shared/logger';
import { cloudWatchCounter } from '../shared/metrics';
import { buildFloatChecks, buildPayproClient, buildPayproSecret, buildSenderBreaker } from './paypro';
import { buildPayoutStores, buildRepository, createDocumentClient } from './tables';

export { buildRepository, createDocumentClient } from './tables';

/*
 * Wiring per function: each builder constructs only what its use case needs, so a function's
 * bundle carries nothing else (get-payout wires only the table, from lib/wiring/tables.ts: no Paypro
 * client, no Secrets Manager). Everything is built once per container, at module load.
 */

/** The use cases take ports; what is wired here is the DynamoDB store, and tests may read its outbox. */
type OnDynamo = { repository: PayoutRepository };

/** Everything every use case needs, for tests, the bench and the local launcher. */
export type Deps = CreatePayoutDeps & CallbackDeps & ReconcileDeps & OnDynamo;

/** The store, the Paypro client, the secret and the log, metrics and clock that every writer shares. */
function buildPayproDeps(
  config: Config,
): SettleDeps & OnDynamo & Pick<Deps, 'paypro' | 'secret' | 'publicBaseUrl' | 'breaker'> {
  const client = createDocumentClient();
  return {
    ...buildPayoutStores(config),
    paypro: buildPayproClient(config),
    secret: buildPayproSecret(config),
    publicBaseUrl: config.publicBaseUrl,
    breaker: buildSenderBreaker(client, config, config.breaker),
    floatChecks: buildFloatChecks(client, config),
    log: logger,
    counter: cloudWatchCounter,
    now: () => new Date(),
  };
}

/** create-payout: record, send once. */
export function buildCreatePayoutDeps(config: Config): CreatePayoutDeps {
  return {
    ...buildPayproDeps(config),
    dailyCaps: requireDailyCaps(config),
    reconcileMinAgeMs: config.reconcileMinAgeMs,
  };
}

/** paypro-callback: authenticate, verify by query, settle. */
export function buildCallbackDeps(config: Config): CallbackDeps {
  return { ...buildPayproDeps(config), verifyByQuery: config.callbackVerifyByQuery };
}

/** reconcile: query, settle, send what was never sent, send again what Paypro did not take in. */
export function buildReconcileDeps(config: Config): ReconcileDeps & OnDynamo {
  const client = createDocumentClient();
  return {
    ...buildPayproDeps(config),
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

/** admin-resolve-payout: ask Paypro's query, then one conditional write; never a payout call. */
export function buildResolvePayoutDeps(config: Config): ResolvePayoutDeps {
  const { repository, caps, paypro, secret, log, counter, now } = buildPayproDeps(config);
  return { repository, caps, paypro, secret, log, counter, now };
}

/**
 * admin-resend-payout: Paypro's query, the release write, then the one send (sendOnce) behind the
 * breaker. Unlike the resolve route, this one can send money.
 */
export function buildResendPayoutDeps(config: Config): ResendPayoutDeps {
  return {
    ...buildPayproDeps(config),
    resends: new ResendRepository(createDocumentClient(), config.payoutsTable),
    resendAfterMs: config.resendAfterMs,
  };
}

/** publish-events: the outbox and the stage's event bus. */
export function buildPublishDeps(config: Config): PublishDeps {
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
