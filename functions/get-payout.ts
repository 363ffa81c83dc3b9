import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { getPayout } from '../lib/payouts/get';
import { toView } from '../lib/payouts/payout';
import type { PayoutRepository } from '../lib/payouts/repository';
import { logger } from '../lib/shared/logger';
import { buildRepository, readStageTables } from '../lib/wiring/tables';

/** GET /payouts/{tradeNo}: the payout's current state and history. */
export function getPayoutHandler(deps: { repository: PayoutRepository }) {
  const raw: ApiHandler = async (event) => {
    const tradeNo = event.pathParameters?.tradeNo;
    if (tradeNo) logger.setCorrelationId(tradeNo);
    refuseQueryParameters(event.queryStringParameters);
    const payout = await getPayout(deps.repository, tradeNo);
    return jsonResponse(200, toView(payout));
  };
  return httpHandler(raw);
}

// Reads only: the table, and no Paypro client or Secrets Manager in this bundle.
export const handler = getPayoutHandler({ repository: buildRepository(readConfig(readStageTables)) });
