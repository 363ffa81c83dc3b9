import { type ResolvePayoutDeps, resolvePayout } from '../lib/admin/resolve-payout';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf, parseJsonBody } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { toView } from '../lib/payouts/payout';
import { logger } from '../lib/shared/logger';
import { buildResolvePayoutDeps, readResolvePayout } from '../lib/wiring/payouts';

/**
 * POST /admin/payouts/{tradeNo}/resolve (IAM): an operator settles an open payout by hand, after
 * Paypro's query; replies with the payout as GET /payouts/{tradeNo} shows it.
 */
export function adminResolvePayoutHandler(deps: ResolvePayoutDeps) {
  const raw: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    const tradeNo = event.pathParameters?.tradeNo;
    if (tradeNo) logger.setCorrelationId(tradeNo);
    refuseQueryParameters(event.queryStringParameters);
    const payout = await resolvePayout(deps, tradeNo, parseJsonBody(event), operator);
    return jsonResponse(200, toView(payout));
  };
  return httpHandler(raw);
}

export const handler = adminResolvePayoutHandler(buildResolvePayoutDeps(readConfig(readResolvePayout)));
