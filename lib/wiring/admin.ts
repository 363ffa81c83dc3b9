import type { BalanceDeps } from '../admin/balance';
import type { PayproStatusDeps } from '../admin/paypro-status';
import type { ReceiptDeps } from '../admin/receipt';
import { PayoutDayIndex } from '../admin/repository';
import { type OptionalCaps, type PayproConfig, readOptionalCaps, type TableConfig } from '../config';
import { DynamoCapLedger } from '../limits/repository';
import { PayoutRepository } from '../payouts/repository';
import { type BreakerConfig, readBreakerConfig } from '../paypro/breaker-config';
import { BreakerRepository } from '../paypro/breaker-repository';
import type { EnvReader } from '../shared/env';
import {
  buildHeldWork,
  buildInFlight,
  buildPayproFloatClient,
  buildPayproSecret,
  readPayproCaller,
} from './paypro';
import { createDocumentClient, readStageTables } from './tables';

/*
 * Wiring of the operator's read-only routes (list, daily report), apart from lib/wiring/payouts.ts:
 * they read one index of the payouts table and carry no Paypro client or Secrets Manager.
 * The balance and receipt routes ask Paypro, so they carry its client and the secret, and
 * nothing that could send a payout: they only read. The Paypro status route asks Paypro nothing:
 * it reads the breaker's item and the work held.
 */

/** admin-list-payouts and admin-daily-report read the tables only; so does admin-get-payout. */
export const readAdminRead = readStageTables;

/** admin-list-payouts and admin-daily-report: the `payouts-by-day` index and the clock. */
export function buildAdminReadDeps(config: Pick<TableConfig, 'payoutsTable'>) {
  return { days: new PayoutDayIndex(createDocumentClient(), config.payoutsTable), now: () => new Date() };
}

/** admin-get-balance reads: the tables, Paypro (Balance Inquiry) and the daily caps as set. */
export function readAdminBalance(settings: EnvReader): TableConfig & PayproConfig & OptionalCaps {
  return { ...readPayproCaller(settings), ...readOptionalCaps(settings) };
}

/** admin-get-balance: Paypro's balance, the money in flight (open payouts, unrecorded batch items), the caps. */
export function buildAdminBalanceDeps(config: TableConfig & PayproConfig & OptionalCaps): BalanceDeps {
  const client = createDocumentClient();
  return {
    paypro: buildPayproFloatClient(config),
    secret: buildPayproSecret(config),
    inFlight: buildInFlight(client, config),
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

/** admin-get-receipt reads: the tables and Paypro (Mpesa Query). */
export const readAdminReceipt = readPayproCaller;

/** admin-get-receipt: Paypro's Mpesa Query, the `payouts-by-day` index and the payouts table. */
export function buildAdminReceiptDeps(config: TableConfig & PayproConfig): ReceiptDeps {
  const client = createDocumentClient();
  return {
    paypro: buildPayproFloatClient(config),
    secret: buildPayproSecret(config),
    days: new PayoutDayIndex(client, config.payoutsTable),
    repository: new PayoutRepository(client, config.payoutsTable),
    now: () => new Date(),
  };
}

/** admin-get-paypro-status reads: the tables and the breaker's settings; it asks Paypro nothing. */
export function readAdminPayproStatus(settings: EnvReader): TableConfig & { breaker: BreakerConfig } {
  return { ...readStageTables(settings), breaker: readBreakerConfig(settings) };
}

/** admin-get-paypro-status: the breaker's item in the limits table, and the work held (the open payouts' index and states). */
export function buildAdminPayproStatusDeps(
  config: TableConfig & { breaker: BreakerConfig },
): PayproStatusDeps {
  const client = createDocumentClient();
  return {
    breaker: new BreakerRepository(client, config.payoutLimitsTable),
    held: buildHeldWork(client, config),
    settings: config.breaker.settings,
    now: () => new Date(),
  };
}
