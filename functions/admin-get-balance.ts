import { type BalanceDeps, readBalance } from '../lib/admin/balance';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { logger } from '../lib/shared/logger';
import { buildAdminBalanceDeps, readAdminBalance } from '../lib/wiring/admin';

/** GET /admin/balance (IAM): Paypro's balance read now, the money in flight, and today's caps against their limits. */
export function adminGetBalanceHandler(deps: BalanceDeps) {
  const raw: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    refuseQueryParameters(event.queryStringParameters);
    logger.info('operator reads the balance', { operator });
    return jsonResponse(200, await readBalance(deps));
  };
  return httpHandler(raw);
}

// Reads Paypro's balance and the stores; no payout call is in its code.
export const handler = adminGetBalanceHandler(buildAdminBalanceDeps(readConfig(readAdminBalance)));
