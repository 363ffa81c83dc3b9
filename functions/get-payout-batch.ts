import { batchReport, getBatch, type ReadBatchDeps } from '../lib/batches/read';
import { buildReadBatchServices } from '../lib/batches/services';
import { loadConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse } from '../lib/http';
import { logger } from '../lib/logger';

/**
 * GET /payout-batches/{batchId}: counts, amounts and status, and a page of items
 * (`?status=&cursor=&limit=`); GET /payout-batches/{batchId}/report.csv: one line per item.
 */
export function getPayoutBatchHandler(services: ReadBatchDeps) {
  const raw: ApiHandler = async (event) => {
    const batchId = event.pathParameters?.batchId;
    if (batchId) logger.setCorrelationId(batchId);
    if (event.resource?.endsWith('/report.csv') || event.path?.endsWith('/report.csv')) {
      const csv = await batchReport(services, batchId);
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${batchId}.csv"`,
        },
        body: csv,
      };
    }
    const query = event.queryStringParameters ?? {};
    return jsonResponse(
      200,
      await getBatch(services, batchId, {
        ...(query.status !== undefined && { status: query.status }),
        ...(query.cursor !== undefined && { cursor: query.cursor }),
        ...(query.limit !== undefined && { limit: query.limit }),
      }),
    );
  };
  return httpHandler(raw);
}

export const handler = getPayoutBatchHandler(buildReadBatchServices(loadConfig()));
