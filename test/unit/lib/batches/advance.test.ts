import { describe, expect, it } from 'vitest';
import { advanceBatch, publishBatchEvents, wakeDueBatches } from '../../../../lib/batches/advance';
import { approveBatch } from '../../../../lib/batches/decide';
import { acceptBatch } from '../../../../lib/batches/intake';
import { batchRequest, batchWorld } from '../../../support/fakes/batch-world';

const NOW = '2026-11-30T07:00:00.000Z';
const MINUTE = 60_000;

describe('advanceBatch', () => {
  it('takes a batch as far as it can go in one run: recorded, queued, SENDING, its event published', async () => {
    // Prepare
    const w = batchWorld();
    await acceptBatch(w.intake, batchRequest('pay', [100, 200]));
    w.steps.woken.length = 0;

    // Act
    const summary = await w.run('pay');

    // Assess
    expect(summary).toEqual({ batchId: 'pay', status: 'SENDING', events: 1 });
    expect(w.eventsOf('pay')).toEqual([{ type: 'Batch Accepted', status: 'RECEIVED' }]);
    expect(await w.batches.readOutbox('pay')).toEqual([]);
    expect(w.sends.queued).toEqual(['pay-0', 'pay-1']);
    expect(await w.header('pay')).toMatchObject({
      status: 'SENDING',
      nextStepAt: '2026-11-30T07:01:00.000Z',
    });
    expect(w.steps.woken).toEqual([{ batchId: 'pay', delaySeconds: 60 }]);
  });

  it('releases its lease: the next run may take the batch at once', async () => {
    // Prepare
    const w = batchWorld();
    await acceptBatch(w.intake, batchRequest('pay', [100]));
    await w.run('pay');

    // Act
    const next = await w.run('pay');

    // Assess
    expect(next.status).toBe('SENDING');
  });

  it('does nothing while another run holds the batch, and says it is busy', async () => {
    // Prepare
    const w = batchWorld();
    await acceptBatch(w.intake, batchRequest('pay', [100]));
    await w.batches.acquireLease('pay', 'another run', '2026-11-30T07:03:00.000Z', NOW);

    // Act
    const summary = await w.run('pay');

    // Assess
    expect(summary).toEqual({ batchId: 'pay', status: 'busy', events: 0 });
    expect((await w.header('pay')).status).toBe('RECEIVED');
    expect(w.payouts.all()).toEqual([]);
  });

  it('answers missing, and logs an error, for a batch that does not exist', async () => {
    // Prepare
    const w = batchWorld();

    // Act
    const summary = await w.run('ghost');

    // Assess
    expect(summary).toEqual({ batchId: 'ghost', status: 'missing', events: 0 });
    expect(w.log.lines).toContainEqual({
      level: 'error',
      message: 'batch step for a batch that does not exist',
    });
  });

  it('takes no step when its time is nearly up, and asks for the next run instead', async () => {
    // Prepare
    const w = batchWorld();
    await acceptBatch(w.intake, batchRequest('pay', [100]));
    w.steps.woken.length = 0;

    // Act
    const summary = await advanceBatch(w.advance, 'pay', () => 1_000);

    // Assess
    expect(summary.status).toBe('RECEIVED');
    expect(w.steps.woken).toEqual([{ batchId: 'pay', delaySeconds: 0 }]);
    expect(w.payouts.all()).toEqual([]);
  });

  it('resumes a run that stopped: an approved batch goes on from RECORDING', async () => {
    // Prepare
    const w = batchWorld({ approvalAboveAmount: 100 });
    await acceptBatch(w.intake, batchRequest('big', [150, 50]));
    const waiting = await w.run('big');
    await approveBatch(w.decide, 'big', {}, 'amina');

    // Act
    const summary = await w.run('big');

    // Assess
    expect(waiting.status).toBe('AWAITING_APPROVAL');
    expect(summary.status).toBe('SENDING');
    expect(w.sends.queued).toEqual(['big-0', 'big-1']);
  });

  it('once the batch is final, stops and leaves no next step', async () => {
    // Prepare
    const w = batchWorld();
    await acceptBatch(w.intake, batchRequest('pay', [100]));
    await w.run('pay');
    w.payouts.patch('pay-0', { status: 'SUCCEEDED' });
    w.clock.advance(MINUTE);

    // Act
    const summary = await w.run('pay');

    // Assess
    expect(summary).toEqual({ batchId: 'pay', status: 'COMPLETED', events: 1 });
    expect(await w.header('pay')).not.toHaveProperty('nextStepAt');
    expect(w.eventsOf('pay').map((e) => e.type)).toEqual(['Batch Accepted', 'Batch Completed']);
  });
});

describe('publishBatchEvents', () => {
  it('keeps the events when the bus refuses them, and asks the wake-up to try again in a minute', async () => {
    // Prepare
    const w = batchWorld();
    await acceptBatch(w.intake, batchRequest('pay', [100]));
    w.bus.refuseNext();

    // Act
    const published = await publishBatchEvents(w.advance, 'pay');

    // Assess
    expect(published).toBe(0);
    expect((await w.batches.readOutbox('pay')).map((e) => e.type)).toEqual(['Batch Accepted']);
    expect((await w.header('pay')).nextStepAt).toBe('2026-11-30T07:01:00.000Z');
    expect(w.counter.counts.EventPublishFailure).toBe(1);
  });
});

describe('wakeDueBatches', () => {
  it('asks for the step of every batch whose next step is due, and of no other', async () => {
    // Prepare
    const w = batchWorld({ approvalAboveAmount: 100 });
    await acceptBatch(w.intake, batchRequest('due', [100]));
    await acceptBatch(w.intake, batchRequest('later', [500]));
    await w.run('due');
    await w.run('later');
    await w.batches.update('due', { set: { nextStepAt: '2026-11-30T07:00:30.000Z' } });
    w.clock.advance(MINUTE);
    w.steps.woken.length = 0;

    // Act
    const result = await wakeDueBatches({ batches: w.batches, steps: w.steps, log: w.log, now: w.clock.now });

    // Assess
    expect(result).toEqual({ woken: 1 });
    expect(w.steps.woken).toEqual([{ batchId: 'due', delaySeconds: 0 }]);
  });
});
