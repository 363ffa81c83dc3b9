import { type ListPayoutsDeps, listPayouts } from '../lib/admin/list-payouts';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf } from '../lib/handlers/http';
import { logger } from '../lib/shared/logger';
import { buildAdminReadDeps, readAdminRead } from '../lib/wiring/admin';

/** GET /admin/payouts (IAM): payouts by status and creation time, newest first, a page at a time. */
export function adminListPayoutsHandler(deps: ListPayoutsDeps) {
  const raw: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    logger.info('operator lists payouts', { operator });
    return jsonResponse(200, await listPayouts(deps, event.queryStringParameters));
  };
  return httpHandler(raw);
}

// Reads only the payouts-by-day index: no Paypro client or Secrets Manager in this bundle.
export const handler = adminListPayoutsHandler(buildAdminReadDeps(readConfig(readAdminRead)));
