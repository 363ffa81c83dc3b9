import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { getPayout } from '../lib/payouts/get';
import { toView } from '../lib/payouts/payout';
import type { PayoutRepository } from '../lib/payouts/repository';
import { logger } from '../lib/shared/logger';
import { buildRepository, readStageTables } from '../lib/wiring/tables';

/** GET /admin/payouts/{tradeNo} (IAM): a payout and its history, as GET /payouts/{tradeNo} shows it to apps. */
export function adminGetPayoutHandler(deps: { repository: PayoutRepository }) {
  const handle: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    const tradeNo = event.pathParameters?.tradeNo;
    if (tradeNo) logger.setCorrelationId(tradeNo);
    refuseQueryParameters(event.queryStringParameters);
    logger.info('operator reads a payout', { operator });
    return jsonResponse(200, toView(await getPayout(deps.repository, tradeNo)));
  };
  return httpHandler(handle);
}

export const handler = adminGetPayoutHandler({ repository: buildRepository(readConfig(readStageTables)) });
