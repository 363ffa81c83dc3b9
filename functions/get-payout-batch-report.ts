import { batchReport, type ReadBatchDeps } from '../lib/batches/read';
import { buildReadBatchServices } from '../lib/batches/services';
import { loadConfig } from '../lib/config';
import { type ApiHandler, csvResponse, httpHandler } from '../lib/handlers/http';
import { logger } from '../lib/logger';
import { refuseQueryParameters } from '../lib/query-string';

/** GET /payout-batches/{batchId}/report.csv: one line per item of the batch. */
export function getPayoutBatchReportHandler(services: ReadBatchDeps) {
  const raw: ApiHandler = async (event) => {
    const batchId = event.pathParameters?.batchId;
    if (batchId) logger.setCorrelationId(batchId);
    refuseQueryParameters(event.queryStringParameters);
    return csvResponse(await batchReport(services, batchId), `${batchId}.csv`);
  };
  return httpHandler(raw);
}

export const handler = getPayoutBatchReportHandler(buildReadBatchServices(loadConfig()));
