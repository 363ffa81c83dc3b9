import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ResolvePayoutDeps } from './admin/resolve-payout';
import { type Config, requireDailyCaps } from './config';
import { EventBridgeBus } from './events/bus';
import type { PublishDeps } from './events/publish';
import { writeCheckRequest } from './float/check-request-write';
import { type FloatCheckRequests, StoredFloatCheckRequests } from './float/check-requests';
import { logger } from './logger';
import { cloudWatchCounter } from './metrics';
import type { CallbackDeps } from './payouts/callback';
import type { CreatePayoutDeps } from './payouts/create';
import type { ReconcileDeps } from './payouts/reconcile';
import type { PayoutRepository } from './payouts/repository';
import type { SettleDeps } from './payouts/settle';
import { PayproClient } from './paypro/client';
import { cachedPayproSecret, type PayproSecret } from './paypro/secret';
import { buildPayoutStores, buildRepository, createDocumentClient } from './store';

export { buildRepository, createDocumentClient } from './store';

/*
 * Wiring per function: each builder constructs only what its use case needs, so a function's
 * bundle carries nothing else (get-payout wires only the table, from lib/store.ts: no Paypro
 * client, no Secrets Manager). Everything is built once per container, at module load.
 */

/** The use cases take ports; what is wired here is the DynamoDB store, and tests may read its outbox. */
type OnDynamo = { repository: PayoutRepository };

/** Everything every use case needs, for tests, the bench and the local launcher. */
export type Deps = CreatePayoutDeps & CallbackDeps & ReconcileDeps & OnDynamo;

function buildPaypro(
  config: Pick<Config, 'payproBaseUrl' | 'payproTimeoutMs' | 'payproSignSalt' | 'payproBalancePath'>,
) {
  return new PayproClient({
    baseUrl: config.payproBaseUrl,
    timeoutMs: config.payproTimeoutMs,
    salt: config.payproSignSalt,
    ...(config.payproBalancePath !== undefined && { balancePath: config.payproBalancePath }),
  });
}

function buildSecret(
  config: Pick<Config, 'payproSecretId' | 'secretCacheTtlMs'>,
): () => Promise<PayproSecret> {
  return cachedPayproSecret(new SecretsManagerClient({}), config.payproSecretId, config.secretCacheTtlMs);
}

/** How a payout Paypro refused for lack of funds asks float-monitor to check at once: its state item. */
function buildFloatChecks(config: Pick<Config, 'payoutLimitsTable'>): FloatCheckRequests {
  const client = createDocumentClient();
  const table = config.payoutLimitsTable;
  return new StoredFloatCheckRequests(
    { requestCheck: (at, reason) => writeCheckRequest(client, table, at, reason) },
    logger,
  );
}

/** The store, the Paypro client, the secret and the log, metrics and clock that every writer shares. */
function buildPayproDeps(
  config: Config,
): SettleDeps & OnDynamo & Pick<Deps, 'paypro' | 'secret' | 'publicBaseUrl'> {
  return {
    ...buildPayoutStores(config),
    paypro: buildPaypro(config),
    secret: buildSecret(config),
    publicBaseUrl: config.publicBaseUrl,
    floatChecks: buildFloatChecks(config),
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

/** reconcile: query, settle, send what was never sent. */
export function buildReconcileDeps(config: Config): ReconcileDeps & OnDynamo {
  return {
    ...buildPayproDeps(config),
    reconcileMinAgeMs: config.reconcileMinAgeMs,
    reconcileBatchSize: config.reconcileBatchSize,
    reconcileConcurrency: config.reconcileConcurrency,
    reconcileFlagAfterMs: config.reconcileFlagAfterMs,
  };
}

/** admin-resolve-payout: ask Paypro's query, then one conditional write; never a payout call. */
export function buildResolvePayoutDeps(config: Config): ResolvePayoutDeps {
  const { repository, caps, paypro, secret, log, counter, now } = buildPayproDeps(config);
  return { repository, caps, paypro, secret, log, counter, now };
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
