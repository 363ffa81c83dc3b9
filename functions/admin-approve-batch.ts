import { approveBatch, type DecideDeps } from '../lib/batches/decide';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf, parseJsonBody } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { logger } from '../lib/shared/logger';
import { buildDecideDeps, readStepper } from '../lib/wiring/batches';

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

export const handler = adminApproveBatchHandler(buildDecideDeps(readConfig(readStepper)));
