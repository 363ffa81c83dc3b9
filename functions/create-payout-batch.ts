import { type AcceptBatchDeps, acceptBatch } from '../lib/batches/accept';
import { MAX_BATCH_BODY_BYTES } from '../lib/batches/batch';
import { acceptedView, getBatch, type ReadBatchDeps } from '../lib/batches/read';
import { parseBatchRequest } from '../lib/batches/schema';
import { buildAcceptBatchServices } from '../lib/batches/services';
import { type Config, loadConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, parseJsonBody } from '../lib/http';
import { logger } from '../lib/logger';
import { refuseQueryParameters } from '../lib/query-string';

/** POST /payout-batches: validate all or nothing, record every item, queue them; 202, or 200 for a replay. */
export function createPayoutBatchHandler(
  services: AcceptBatchDeps & ReadBatchDeps,
  config: Pick<Config, 'payoutMinAmount' | 'payoutMaxAmount'>,
) {
  const limits = { min: config.payoutMinAmount, max: config.payoutMaxAmount };
  const raw: ApiHandler = async (event) => {
    refuseQueryParameters(event.queryStringParameters);
    const request = parseBatchRequest(parseJsonBody(event, MAX_BATCH_BODY_BYTES), limits);
    logger.setCorrelationId(request.batchId);
    const { outcome, batch } = await acceptBatch(services, request);
    if (outcome === 'accepted') return jsonResponse(202, acceptedView(batch));
    const {
      items: _items,
      nextCursor: _next,
      ...stored
    } = await getBatch(services, batch.batchId, { limit: '1' });
    return jsonResponse(200, stored);
  };
  return httpHandler(raw);
}

const config = loadConfig();
export const handler = createPayoutBatchHandler(buildAcceptBatchServices(config), config);
