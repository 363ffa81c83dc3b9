import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfig } from '../lib/config';
import { logger } from '../lib/logger';
import { publishMetrics } from '../lib/metrics';
import { type ReconcileSummary, reconcile } from '../lib/payouts/reconcile';
import { buildServices, type Services } from '../lib/services';

/** Scheduled: settles open payouts by asking Paypro; throws only when the run itself fails. */
export function reconcileHandler(services: Services) {
  return middy<unknown, ReconcileSummary>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .handler(async () => reconcile(services));
}

export const handler = reconcileHandler(buildServices(loadConfig()));
