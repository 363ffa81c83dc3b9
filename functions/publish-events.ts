import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBStreamEvent, ScheduledEvent } from 'aws-lambda';
import { type Config, loadConfig } from '../lib/config';
import { type PublishDeps, publishChanged, type SweepSummary, sweepOutbox } from '../lib/events/publish';
import { logger } from '../lib/logger';
import { publishMetrics } from '../lib/metrics';
import { buildPublishServices } from '../lib/services';

// Room to finish the payouts in hand before the Lambda timeout.
const MARGIN_MS = 10_000;

/** The payouts a stream batch names whose new image has events waiting (the filter should pass only those). */
function changedTradeNos(event: DynamoDBStreamEvent): string[] {
  return event.Records.flatMap((record) => {
    const tradeNo = record.dynamodb?.Keys?.tradeNo?.S;
    return tradeNo && record.dynamodb?.NewImage?.outboxPk ? [tradeNo] : [];
  });
}

const isStream = (event: unknown): event is DynamoDBStreamEvent =>
  typeof event === 'object' && event !== null && Array.isArray((event as DynamoDBStreamEvent).Records);

/**
 * Publishes payout events from the outbox: on the table's stream, the payouts just written
 * (seconds after the write); on its schedule, every outbox left waiting (the safety net).
 */
export function publishEventsHandler(deps: PublishDeps, config: Pick<Config, 'outboxSweepMinAgeMs'>) {
  return middy<DynamoDBStreamEvent | ScheduledEvent, SweepSummary>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .handler(async (event, context: Context) =>
      isStream(event)
        ? publishChanged(deps, changedTradeNos(event))
        : sweepOutbox(
            deps,
            config.outboxSweepMinAgeMs,
            Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS,
          ),
    );
}

const config = loadConfig();
export const handler = publishEventsHandler(buildPublishServices(config), config);
