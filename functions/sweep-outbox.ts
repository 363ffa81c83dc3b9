import { type EventConfig, readConfig } from '../lib/config';
import { type PublishDeps, sweepOutbox } from '../lib/events/publish';
import { scheduleHandler } from '../lib/handlers/schedule';
import { buildPublishDeps, readPublish } from '../lib/wiring/payouts';

/**
 * Schedule (every minute): publishes every outbox left waiting past OUTBOX_SWEEP_MIN_AGE_S, the
 * safety net behind publish-events' stream trigger.
 */
export function sweepOutboxHandler(deps: PublishDeps, config: Pick<EventConfig, 'outboxSweepMinAgeMs'>) {
  return scheduleHandler((stopAt) => sweepOutbox(deps, config.outboxSweepMinAgeMs, stopAt), {
    // Room to finish the payouts in hand before the Lambda timeout.
    marginMs: 10_000,
  });
}

const config = readConfig(readPublish);
export const handler = sweepOutboxHandler(buildPublishDeps(config), config);
