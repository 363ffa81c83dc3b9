import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scheduleHandler } from '../../../../lib/handlers/schedule';
import { lambdaContext } from '../../../support/events';

const scheduled: ScheduledEvent = {
  version: '0',
  id: 'e-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: '2026-11-30T04:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:000000000000:rule/reconcile'],
  detail: {},
};

afterEach(() => {
  vi.useRealTimers();
});

describe('scheduleHandler', () => {
  it('runs the use case once and answers with what it returns', async () => {
    // Prepare
    const run = vi.fn(async () => ({ woken: 3 }));
    const handler = scheduleHandler(run);

    // Act
    const summary = await handler(scheduled, lambdaContext());

    // Assess
    expect(summary).toEqual({ woken: 3 });
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('tells the use case to stop marginMs before the Lambda timeout', async () => {
    // Prepare: 30 s left at 04:00:00, so with a 10 s margin the run stops taking work at 04:00:20.
    vi.useFakeTimers({ now: new Date('2026-11-30T04:00:00Z') });
    const handler = scheduleHandler(async (stopAt) => new Date(stopAt).toISOString(), { marginMs: 10_000 });

    // Act
    const stopAt = await handler(scheduled, { ...lambdaContext(), getRemainingTimeInMillis: () => 30_000 });

    // Assess
    expect(stopAt).toBe('2026-11-30T04:00:20.000Z');
  });

  it('sets no deadline without a margin', async () => {
    // Prepare
    const handler = scheduleHandler(async (stopAt) => stopAt);

    // Act
    const stopAt = await handler(scheduled, lambdaContext());

    // Assess
    expect(stopAt).toBe(Number.POSITIVE_INFINITY);
  });

  it('fails the invocation when the use case throws, so the schedule’s errors alarm sees it', async () => {
    // Prepare
    const handler = scheduleHandler(async () => {
      throw new Error('table unreadable');
    });

    // Act
    const outcome = handler(scheduled, lambdaContext());

    // Assess
    await expect(outcome).rejects.toThrow('table unreadable');
  });
});
