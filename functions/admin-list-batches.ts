import { type ListBatchesDeps, listBatches } from '../lib/batches/list';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, operatorOf } from '../lib/handlers/http';
import { logger } from '../lib/shared/logger';
import { buildListBatchesDeps, readBatchTables } from '../lib/wiring/batches';

/** GET /admin/payout-batches (IAM): batches newest first, of one status or all, a page at a time. */
export function adminListBatchesHandler(deps: ListBatchesDeps) {
  const handle: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    logger.info('operator lists batches', { operator });
    return jsonResponse(200, await listBatches(deps, event.queryStringParameters));
  };
  return httpHandler(handle);
}

export const handler = adminListBatchesHandler(buildListBatchesDeps(readConfig(readBatchTables)));
