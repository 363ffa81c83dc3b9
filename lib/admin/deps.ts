import type { Config } from '../config';
import { createDocumentClient } from '../store';
import { PayoutDayIndex } from './repository';

/*
 * Wiring of the operator's read-only routes (list, daily report), apart from lib/deps.ts:
 * they read one index of the payouts table and carry no Paypro client or Secrets Manager.
 */

/** admin-list-payouts and admin-daily-report: the `payouts-by-day` index and the clock. */
export function buildAdminReadDeps(config: Pick<Config, 'payoutsTable'>) {
  return { days: new PayoutDayIndex(createDocumentClient(), config.payoutsTable), now: () => new Date() };
}
