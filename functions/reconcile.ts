import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfig } from '../lib/config';
import { logger } from '../lib/logger';
import { publishMetrics } from '../lib/metrics';
import { type ReconcileDeps, type ReconcileSummary, reconcile } from '../lib/payouts/reconcile';
import { buildReconcileServices } from '../lib/services';

// Room to finish the payout in hand (a query and a send, each bounded by PAYPRO_TIMEOUT_MS ≤ 15 s).
const MARGIN_MS = 40_000;

/** Scheduled: settles open payouts by asking Paypro; throws only when the run itself fails. */
export function reconcileHandler(services: ReconcileDeps) {
  return middy<unknown, ReconcileSummary>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .handler(async (_event, context) =>
      reconcile(services, Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS),
    );
}

export const handler = reconcileHandler(buildReconcileServices(loadConfig()));
