import type { Context } from 'aws-lambda';
import { deadlineOf, observed } from './observed';

/**
 * An EventBridge schedule's handler: the shared logging and metrics around one use case call,
 * given when to stop taking new work (`marginMs` before the timeout; never, without one).
 */
export function scheduleHandler<TResult>(
  run: (stopAt: number) => Promise<TResult>,
  options: { marginMs?: number } = {},
) {
  // The event itself (a ScheduledEvent) carries nothing the run needs.
  return observed<unknown, TResult>().handler((_event, context: Context) =>
    run(options.marginMs === undefined ? Number.POSITIVE_INFINITY : deadlineOf(context, options.marginMs)),
  );
}
