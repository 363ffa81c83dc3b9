import type { DynamoDBRecord } from 'aws-lambda';
import { readConfig } from '../lib/config';
import { type PublishDeps, publishChanged } from '../lib/events/publish';
import { streamHandler } from '../lib/handlers/stream';
import { buildPublishDeps, readPublish } from '../lib/wiring/payouts';

/** The payouts a stream batch names whose new image has events waiting (the filter should pass only those). */
function changedTradeNos(records: readonly DynamoDBRecord[]): string[] {
  return records.flatMap((record) => {
    const tradeNo = record.dynamodb?.Keys?.tradeNo?.S;
    return tradeNo && record.dynamodb?.NewImage?.outboxPk ? [tradeNo] : [];
  });
}

/**
 * The payouts table's stream (filtered to items with an outbox): publishes the events of the
 * payouts just written, seconds after the write. What it misses, sweep-outbox publishes.
 */
export function publishEventsHandler(deps: PublishDeps) {
  return streamHandler((records) => publishChanged(deps, changedTradeNos(records)));
}

export const handler = publishEventsHandler(buildPublishDeps(readConfig(readPublish)));
