import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { StoredInFlight } from '../batches/in-flight';
import { DynamoBatchPayouts } from '../batches/payouts';
import { BatchRepository } from '../batches/repository';
import type { Config } from '../config';
import { DynamoCapLedger } from '../limits/repository';
import { PayoutRepository } from '../payouts/repository';
import { PayproClient } from '../paypro/client';
import { cachedPayproSecret } from '../paypro/secret';
import { createDocumentClient } from '../store';
import type { BalanceDeps } from './balance';
import type { ReceiptDeps } from './receipt';
import { PayoutDayIndex } from './repository';

/*
 * Wiring of the operator's read-only routes (list, daily report), apart from lib/deps.ts:
 * they read one index of the payouts table and carry no Paypro client or Secrets Manager.
 * The balance and receipt routes ask Paypro, so they carry its client and the secret, and
 * nothing that could send a payout: they only read.
 */

/** admin-list-payouts and admin-daily-report: the `payouts-by-day` index and the clock. */
export function buildAdminReadDeps(config: Pick<Config, 'payoutsTable'>) {
  return { days: new PayoutDayIndex(createDocumentClient(), config.payoutsTable), now: () => new Date() };
}

type PayproConfig = Pick<
  Config,
  | 'payproBaseUrl'
  | 'payproTimeoutMs'
  | 'payproSignSalt'
  | 'payproBalancePath'
  | 'payproSecretId'
  | 'secretCacheTtlMs'
>;

/** Paypro's client and the cached Paypro secret, as every other Paypro caller gets them. */
function payproOf(config: PayproConfig) {
  return {
    paypro: new PayproClient({
      baseUrl: config.payproBaseUrl,
      timeoutMs: config.payproTimeoutMs,
      salt: config.payproSignSalt,
      // Unconfirmed for Kenya: PAYPRO_BALANCE_PATH (unset: the client's DEFAULT_BALANCE_PATH).
      ...(config.payproBalancePath !== undefined && { balancePath: config.payproBalancePath }),
    }),
    secret: cachedPayproSecret(new SecretsManagerClient({}), config.payproSecretId, config.secretCacheTtlMs),
  };
}

/** admin-get-balance: Paypro's balance, the money in flight (open payouts, unrecorded batch items), the caps. */
export function buildAdminBalanceDeps(config: Config): BalanceDeps {
  const client = createDocumentClient();
  const payouts = new PayoutRepository(client, config.payoutsTable);
  return {
    ...payproOf(config),
    inFlight: new StoredInFlight({
      payouts,
      batchPayouts: new DynamoBatchPayouts(client, config.payoutsTable),
      batches: new BatchRepository(client, config.payoutBatchesTable),
    }),
    caps: new DynamoCapLedger(client, config.payoutLimitsTable),
    dailyCaps: {
      ...(config.dailyMaxAmount !== undefined && { dailyMaxAmount: config.dailyMaxAmount }),
      ...(config.dailyMaxCount !== undefined && { dailyMaxCount: config.dailyMaxCount }),
      ...(config.recipientDailyMaxAmount !== undefined && {
        recipientDailyMaxAmount: config.recipientDailyMaxAmount,
      }),
      ...(config.recipientDailyMaxCount !== undefined && {
        recipientDailyMaxCount: config.recipientDailyMaxCount,
      }),
    },
    now: () => new Date(),
  };
}

/** admin-get-receipt: Paypro's Mpesa Query, the `payouts-by-day` index and the payouts table. */
export function buildAdminReceiptDeps(config: Config): ReceiptDeps {
  const client = createDocumentClient();
  return {
    ...payproOf(config),
    days: new PayoutDayIndex(client, config.payoutsTable),
    repository: new PayoutRepository(client, config.payoutsTable),
    now: () => new Date(),
  };
}
