import { type ResendPayoutDeps, resendPayout } from '../lib/admin/resend-payout';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf, parseJsonBody } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { toView } from '../lib/payouts/payout';
import { logger } from '../lib/shared/logger';
import { buildResendPayoutDeps, readResendPayout } from '../lib/wiring/payouts';

/**
 * POST /admin/payouts/{tradeNo}/resend (IAM): an operator who checked with Paypro sends a PENDING
 * payout again with the same tradeNo, after Paypro's query; replies with the payout as
 * GET /payouts/{tradeNo} shows it: 200 when Paypro's answer to the send is recorded, 202 when not.
 */
export function adminResendPayoutHandler(deps: ResendPayoutDeps) {
  const raw: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    const tradeNo = event.pathParameters?.tradeNo;
    if (tradeNo) logger.setCorrelationId(tradeNo);
    refuseQueryParameters(event.queryStringParameters);
    const { payout, answered } = await resendPayout(deps, tradeNo, parseJsonBody(event), operator);
    return jsonResponse(answered ? 200 : 202, toView(payout));
  };
  return httpHandler(raw);
}

export const handler = adminResendPayoutHandler(buildResendPayoutDeps(readConfig(readResendPayout)));
