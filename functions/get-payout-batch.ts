import { getBatch, type ReadBatchDeps } from '../lib/batches/read';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse } from '../lib/handlers/http';
import { logger } from '../lib/shared/logger';
import { buildReadBatchDeps, readBatchTables } from '../lib/wiring/batches';

/** GET /payout-batches/{batchId}: counts, amounts and status, and a page of items (`?status=&cursor=&limit=`). */
export function getPayoutBatchHandler(deps: ReadBatchDeps) {
  const raw: ApiHandler = async (event) => {
    const batchId = event.pathParameters?.batchId;
    if (batchId) logger.setCorrelationId(batchId);
    // All of it: getBatch refuses a parameter it does not take.
    return jsonResponse(200, await getBatch(deps, batchId, event.queryStringParameters ?? {}));
  };
  return httpHandler(raw);
}

export const handler = getPayoutBatchHandler(buildReadBatchDeps(readConfig(readBatchTables)));
