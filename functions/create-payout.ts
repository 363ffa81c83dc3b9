import { type AmountConfig, readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, jsonResponse, parseJsonBody } from '../lib/handlers/http';
import { refuseQueryParameters } from '../lib/handlers/query-string';
import { type CreateOutcome, type CreatePayoutDeps, createPayout } from '../lib/payouts/create';
import { toView } from '../lib/payouts/payout';
import { parsePayoutRequest } from '../lib/payouts/schema';
import { logger } from '../lib/shared/logger';
import { buildCreatePayoutDeps, readCreatePayout } from '../lib/wiring/payouts';

const STATUS: Record<CreateOutcome, number> = { created: 201, replayed: 200, pending: 202 };

/** POST /payouts: validate, record, send once, reply with the payout. */
export function createPayoutHandler(deps: CreatePayoutDeps, config: AmountConfig) {
  const bounds = { min: config.payoutMinAmount, max: config.payoutMaxAmount };
  const raw: ApiHandler = async (event) => {
    refuseQueryParameters(event.queryStringParameters);
    const request = parsePayoutRequest(parseJsonBody(event), bounds);
    if (request.tradeNo) logger.setCorrelationId(request.tradeNo);
    const { outcome, payout } = await createPayout(deps, request);
    logger.setCorrelationId(payout.tradeNo);
    return jsonResponse(STATUS[outcome], toView(payout));
  };
  return httpHandler(raw);
}

const config = readConfig(readCreatePayout);
export const handler = createPayoutHandler(buildCreatePayoutDeps(config), config);
