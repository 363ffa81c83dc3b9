import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/logger';
import { publishMetrics } from '../shared/metrics';

/**
 * The middy stack every function shares, whatever its event source: the Lambda context in each
 * log line (keys reset per invocation) and the invocation's metrics flushed at its end.
 */
export function observed<TEvent, TResult>() {
  return middy<TEvent, TResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics());
}

/** When a run must stop taking new work: `marginMs` before the Lambda timeout. */
export function deadlineOf(context: { getRemainingTimeInMillis(): number }, marginMs: number): number {
  return Date.now() + context.getRemainingTimeInMillis() - marginMs;
}
