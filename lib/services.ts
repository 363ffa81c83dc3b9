import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from './config';
import { logger } from './logger';
import { cloudWatchCounter } from './metrics';
import type { CallbackDeps } from './payouts/callback';
import type { CreatePayoutDeps } from './payouts/create';
import type { ReconcileDeps } from './payouts/reconcile';
import { PayoutRepository } from './payouts/repository';
import { PayproClient } from './paypro/client';
import { cachedPayproSecret } from './paypro/secret';

/** Everything the use cases need, built once per container from configuration. */
export type Services = CreatePayoutDeps & CallbackDeps & ReconcileDeps;

/** The DynamoDB document client; endpoint and region come from the environment, as the SDK reads them. */
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** Wires the AWS clients, the Paypro client and the cached secret from configuration. */
export function buildServices(config: Config): Services {
  return {
    repository: new PayoutRepository(createDocumentClient(), config.payoutsTable),
    paypro: new PayproClient({
      baseUrl: config.payproBaseUrl,
      timeoutMs: config.payproTimeoutMs,
      salt: config.payproSignSalt,
    }),
    secret: cachedPayproSecret(new SecretsManagerClient({}), config.payproSecretId, config.secretCacheTtlMs),
    publicBaseUrl: config.publicBaseUrl,
    verifyByQuery: config.callbackVerifyByQuery,
    reconcileMinAgeMs: config.reconcileMinAgeMs,
    reconcileBatchSize: config.reconcileBatchSize,
    reconcileFlagAfterMs: config.reconcileFlagAfterMs,
    log: logger,
    counter: cloudWatchCounter,
    now: () => new Date(),
  };
}
