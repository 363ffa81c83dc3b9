import { type PayproStatusDeps, readPayproStatus } from '../lib/admin/paypro-status';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { logger } from '../lib/shared/logger';
import { buildAdminPayproStatusDeps, readAdminPayproStatus } from '../lib/wiring/admin';

/** GET /admin/paypro-status (IAM): whether Paypro is available as the breaker sees it, since when, and the work held. */
export function adminGetPayproStatusHandler(deps: PayproStatusDeps) {
  const raw: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    refuseQueryParameters(event.queryStringParameters);
    logger.info("operator reads Paypro's availability", { operator });
    return jsonResponse(200, await readPayproStatus(deps));
  };
  return httpHandler(raw);
}

// Reads the breaker's item and the open payouts; asks Paypro nothing.
export const handler = adminGetPayproStatusHandler(
  buildAdminPayproStatusDeps(readConfig(readAdminPayproStatus)),
);
