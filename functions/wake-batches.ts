import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { type WakeDeps, wakeDueBatches } from '../lib/batches/advance';
import { buildWakeServices } from '../lib/batches/services';
import { loadConfig } from '../lib/config';
import { logger } from '../lib/logger';
import { publishMetrics } from '../lib/metrics';

/** Schedule (every minute): asks for the next step of every batch whose step is due. */
export function wakeBatchesHandler(services: WakeDeps) {
  return middy<ScheduledEvent, { woken: number }>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .handler(() => wakeDueBatches(services));
}

export const handler = wakeBatchesHandler(buildWakeServices(loadConfig()));
