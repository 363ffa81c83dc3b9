import { findReceipt, type ReceiptDeps } from '../lib/admin/receipt';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { logger } from '../lib/shared/logger';
import { buildAdminReceiptDeps, readAdminReceipt } from '../lib/wiring/admin';

/** GET /admin/mpesa-receipts/{code} (IAM): what Paypro knows of an M-Pesa receipt code, and our payout it matches. */
export function adminGetReceiptHandler(deps: ReceiptDeps) {
  const raw: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    refuseQueryParameters(event.queryStringParameters);
    logger.info('operator looks up an M-Pesa receipt', { operator });
    return jsonResponse(200, await findReceipt(deps, event.pathParameters?.code));
  };
  return httpHandler(raw);
}

// Asks Paypro's Mpesa Query and reads the day index and the table; no payout call is in its code.
export const handler = adminGetReceiptHandler(buildAdminReceiptDeps(readConfig(readAdminReceipt)));
