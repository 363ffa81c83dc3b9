import { batchReport, type ReadBatchDeps } from '../lib/batches/read';
import { readConfig } from '../lib/config';
import { type ApiHandler, csvResponse, httpHandler } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { logger } from '../lib/shared/logger';
import { buildReadBatchDeps, readBatchTables } from '../lib/wiring/batches';

/** GET /payout-batches/{batchId}/report.csv: one line per item of the batch. */
export function getPayoutBatchReportHandler(deps: ReadBatchDeps) {
  const raw: ApiHandler = async (event) => {
    const batchId = event.pathParameters?.batchId;
    if (batchId) logger.setCorrelationId(batchId);
    refuseQueryParameters(event.queryStringParameters);
    return csvResponse(await batchReport(deps, batchId), `${batchId}.csv`);
  };
  return httpHandler(raw);
}

export const handler = getPayoutBatchReportHandler(buildReadBatchDeps(readConfig(readBatchTables)));
