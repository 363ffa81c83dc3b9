import { getBatch, type ReadBatchDeps } from '../lib/batches/read';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf } from '../lib/handlers/http';
import { logger } from '../lib/shared/logger';
import { buildReadBatchDeps, readBatchTables } from '../lib/wiring/batches';

/** GET /admin/payout-batches/{batchId} (IAM): a batch and a page of its items, as apps see it. */
export function adminGetBatchHandler(deps: ReadBatchDeps) {
  const handle: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    const batchId = event.pathParameters?.batchId;
    if (batchId) logger.setCorrelationId(batchId);
    logger.info('operator reads a batch', { operator });
    // All of it: getBatch refuses a parameter it does not take.
    return jsonResponse(200, await getBatch(deps, batchId, event.queryStringParameters ?? {}));
  };
  return httpHandler(handle);
}

export const handler = adminGetBatchHandler(buildReadBatchDeps(readConfig(readBatchTables)));
