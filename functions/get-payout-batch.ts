import { batchReport, getBatch, type ReadBatchDeps } from '../lib/batches/read';
import { buildReadBatchServices } from '../lib/batches/services';
import { loadConfig } from '../lib/config';
import { type ApiHandler, csvResponse, httpHandler, jsonResponse } from '../lib/http';
import { logger } from '../lib/logger';
import { refuseQueryParameters } from '../lib/query-string';

/**
 * GET /payout-batches/{batchId}: counts, amounts and status, and a page of items
 * (`?status=&cursor=&limit=`); GET /payout-batches/{batchId}/report.csv: one line per item.
 */
export function getPayoutBatchHandler(services: ReadBatchDeps) {
  const raw: ApiHandler = async (event) => {
    const batchId = event.pathParameters?.batchId;
    if (batchId) logger.setCorrelationId(batchId);
    if (event.resource?.endsWith('/report.csv') || event.path?.endsWith('/report.csv')) {
      refuseQueryParameters(event.queryStringParameters);
      return csvResponse(await batchReport(services, batchId), `${batchId}.csv`);
    }
    // All of it: getBatch refuses a parameter it does not take.
    return jsonResponse(200, await getBatch(services, batchId, event.queryStringParameters ?? {}));
  };
  return httpHandler(raw);
}

export const handler = getPayoutBatchHandler(buildReadBatchServices(loadConfig()));
