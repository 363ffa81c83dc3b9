import { type ListBatchesDeps, listBatches } from '../lib/batches/list';
import { buildListBatchesServices } from '../lib/batches/services';
import { loadConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf } from '../lib/handlers/http';
import { logger } from '../lib/logger';

/** GET /admin/payout-batches (IAM): batches newest first, of one status or all, a page at a time. */
export function adminListBatchesHandler(services: ListBatchesDeps) {
  const handle: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    logger.info('operator lists batches', { operator });
    return jsonResponse(200, await listBatches(services, event.queryStringParameters));
  };
  return httpHandler(handle);
}

export const handler = adminListBatchesHandler(buildListBatchesServices(loadConfig()));
