import { cancelBatch, type DecideDeps } from '../lib/batches/decide';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf, parseJsonBody } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { logger } from '../lib/shared/logger';
import { buildDecideDeps, readStepper } from '../lib/wiring/batches';

/** POST /admin/payout-batches/{batchId}/cancel (IAM): an operator cancels a batch nothing of which is recorded yet. */
export function adminCancelBatchHandler(deps: DecideDeps) {
  const handle: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    refuseQueryParameters(event.queryStringParameters);
    const batchId = event.pathParameters?.batchId;
    if (batchId) logger.setCorrelationId(batchId);
    const body = event.body ? parseJsonBody(event) : undefined;
    return jsonResponse(200, await cancelBatch(deps, batchId, body, operator));
  };
  return httpHandler(handle);
}

export const handler = adminCancelBatchHandler(buildDecideDeps(readConfig(readStepper)));
