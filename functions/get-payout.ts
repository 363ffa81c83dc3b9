import { loadConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse } from '../lib/http';
import { logger } from '../lib/logger';
import { getPayout } from '../lib/payouts/get';
import { toView } from '../lib/payouts/payout';
import { buildServices, type Services } from '../lib/services';

/** GET /payouts/{tradeNo}: the payout's current state and history. */
export function getPayoutHandler(services: Pick<Services, 'repository'>) {
  const raw: ApiHandler = async (event) => {
    const tradeNo = event.pathParameters?.tradeNo;
    if (tradeNo) logger.setCorrelationId(tradeNo);
    const payout = await getPayout(services.repository, tradeNo);
    return jsonResponse(200, toView(payout));
  };
  return httpHandler(raw);
}

export const handler = getPayoutHandler(buildServices(loadConfig()));
