import { approveBatch, type DecideDeps } from '../lib/batches/decide';
import { buildDecideDeps } from '../lib/batches/deps';
import { loadConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf, parseJsonBody } from '../lib/handlers/http';
import { logger } from '../lib/logger';
import { refuseQueryParameters } from '../lib/query-string';

/** POST /admin/payout-batches/{batchId}/approve (IAM): an operator approves a batch awaiting approval. */
export function adminApproveBatchHandler(deps: DecideDeps) {
  const handle: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    refuseQueryParameters(event.queryStringParameters);
    const batchId = event.pathParameters?.batchId;
    if (batchId) logger.setCorrelationId(batchId);
    const body = event.body ? parseJsonBody(event) : undefined;
    return jsonResponse(200, await approveBatch(deps, batchId, body, operator));
  };
  return httpHandler(handle);
}

export const handler = adminApproveBatchHandler(buildDecideDeps(loadConfig()));
