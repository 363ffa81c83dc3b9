import { batchReport, type ReadBatchDeps } from '../lib/batches/read';
import { readConfig } from '../lib/config';
import { type ApiHandler, csvResponse, httpHandler, operatorOf } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { logger } from '../lib/shared/logger';
import { buildReadBatchDeps, readBatchTables } from '../lib/wiring/batches';

/** GET /admin/payout-batches/{batchId}/report.csv (IAM): one line per item, for finance. */
export function adminBatchReportHandler(deps: ReadBatchDeps) {
  const handle: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    const batchId = event.pathParameters?.batchId;
    if (batchId) logger.setCorrelationId(batchId);
    refuseQueryParameters(event.queryStringParameters);
    logger.info('operator reads a batch report', { operator });
    return csvResponse(await batchReport(deps, batchId), `${batchId}.csv`);
  };
  return httpHandler(handle);
}

export const handler = adminBatchReportHandler(buildReadBatchDeps(readConfig(readBatchTables)));
