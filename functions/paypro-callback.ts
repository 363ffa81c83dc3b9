import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, parseJsonBody } from '../lib/handlers/http';
import { type CallbackDeps, handleCallback } from '../lib/payouts/callback';
import { logger } from '../lib/shared/logger';
import { buildCallbackDeps, readCallbackFunction } from '../lib/wiring/payouts';

/** POST /callbacks/paypro/{tradeNo}/{token}: Paypro's notify, public, answered `OK` once handled. */
export function payproCallbackHandler(deps: CallbackDeps) {
  const raw: ApiHandler = async (event) => {
    const tradeNo = event.pathParameters?.tradeNo ?? '';
    const token = event.pathParameters?.token ?? '';
    logger.setCorrelationId(tradeNo);
    const outcome = await handleCallback(deps, {
      tradeNo,
      token,
      body: () => parseJsonBody(event),
      bodyText: event.body ?? '',
    });
    logger.info('callback handled', { outcome });
    return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' };
  };
  return httpHandler(raw);
}

export const handler = payproCallbackHandler(buildCallbackDeps(readConfig(readCallbackFunction)));
