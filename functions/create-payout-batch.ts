import { MAX_BATCH_BODY_BYTES, toSummary } from '../lib/batches/batch';
import { acceptBatch, type IntakeDeps } from '../lib/batches/intake';
import { parseBatchRequest } from '../lib/batches/schema';
import { type AmountConfig, readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, parseJsonBody } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { logger } from '../lib/shared/logger';
import { buildIntakeDeps, readIntake } from '../lib/wiring/batches';

/**
 * POST /payout-batches: validates every item (400, all or nothing), stores the batch and answers
 * 202 at once, whatever its size; the same batch again, 200; the same batchId with other items, 409.
 */
export function createPayoutBatchHandler(deps: IntakeDeps, config: AmountConfig) {
  const bounds = { min: config.payoutMinAmount, max: config.payoutMaxAmount };
  const handle: ApiHandler = async (event) => {
    refuseQueryParameters(event.queryStringParameters);
    const request = parseBatchRequest(parseJsonBody(event, MAX_BATCH_BODY_BYTES), bounds);
    logger.setCorrelationId(request.batchId);
    const { outcome, batch } = await acceptBatch(deps, request);
    return jsonResponse(outcome === 'accepted' ? 202 : 200, toSummary(batch));
  };
  return httpHandler(handle);
}

const config = readConfig(readIntake);
export const handler = createPayoutBatchHandler(buildIntakeDeps(config), config);
