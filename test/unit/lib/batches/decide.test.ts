import { describe, expect, it } from 'vitest';
import { BATCH_STATUSES, type BatchStatus } from '../../../../lib/batches/batch';
import { approveBatch, cancelBatch } from '../../../../lib/batches/decide';
import { acceptBatch } from '../../../../lib/batches/intake';
import { reserveRecipients } from '../../../../lib/batches/steps';
import { BatchNotFoundError, BatchStateError, ValidationError } from '../../../../lib/errors';
import { type BatchWorld, batchRequest, batchWorld } from '../../../support/fakes/batch-world';

const NOW = '2026-11-30T07:00:00.000Z';

/** A batch of 2,000 KES waiting for an operator's approval (threshold 1,000 KES). */
async function awaitingApproval(): Promise<BatchWorld> {
  const w = batchWorld({ approvalAboveAmount: 1_000 });
  await acceptBatch(w.intake, batchRequest('big', [1_200, 800]));
  await reserveRecipients(w.advance, await w.context('big'));
  w.steps.woken.length = 0;
  return w;
}

describe('approveBatch', () => {
  it('lets a batch awaiting approval go on to RECORDING, keeping who, when and why, and asks for its step', async () => {
    // Prepare
    const w = await awaitingApproval();

    // Act
    const summary = await approveBatch(w.decide, 'big', { reason: 'November payroll' }, 'amina');

    // Assess
    expect(summary).toMatchObject({
      status: 'RECORDING',
      approval: { by: 'amina', at: NOW, reason: 'November payroll' },
    });
    expect(await w.header('big')).toMatchObject({ status: 'RECORDING', recordedRows: 0 });
    expect(w.steps.woken).toEqual([{ batchId: 'big', delaySeconds: 0 }]);
    expect(w.log.lines).toContainEqual({ level: 'info', message: 'operator approved a batch' });
  });

  it('needs no body at all', async () => {
    // Prepare
    const w = await awaitingApproval();

    // Act
    const summary = await approveBatch(w.decide, 'big', undefined, 'amina');

    // Assess
    expect(summary.status).toBe('RECORDING');
    expect(summary.approval).toEqual({ by: 'amina', at: NOW });
  });

  it('refuses once the approval deadline has passed, changing nothing', async () => {
    // Prepare
    const w = await awaitingApproval();
    w.clock.advance(24 * 3_600_000);

    // Act
    const approving = approveBatch(w.decide, 'big', {}, 'amina');

    // Assess
    await expect(approving).rejects.toThrow(
      'Batch big is past its approval deadline: only a batch awaiting approval can be approved.',
    );
    expect((await w.header('big')).status).toBe('AWAITING_APPROVAL');
  });

  it('refuses a batch not awaiting approval, with a 409 naming its status', async () => {
    // Prepare
    const w = batchWorld();
    await acceptBatch(w.intake, batchRequest('small', [100]));

    // Act
    const approving = approveBatch(w.decide, 'small', {}, 'amina');

    // Assess
    await expect(approving).rejects.toBeInstanceOf(BatchStateError);
    await expect(approving).rejects.toThrow('Batch small is RECEIVED');
    expect((await w.header('small')).approval).toBeUndefined();
  });

  it('answers 404 for an unknown batch and 400 for a malformed batchId or body', async () => {
    // Prepare
    const w = batchWorld();

    // Act
    const unknown = approveBatch(w.decide, 'nope', {}, 'amina');
    const malformed = approveBatch(w.decide, 'not/an/id', {}, 'amina');
    const notAnObject = approveBatch(w.decide, 'nope', [], 'amina');

    // Assess
    await expect(unknown).rejects.toBeInstanceOf(BatchNotFoundError);
    await expect(malformed).rejects.toBeInstanceOf(ValidationError);
    await expect(notAnObject).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('cancelBatch', () => {
  it('cancels a batch awaiting approval with the reason, Batch Cancelled, and asks for its step (the give-back)', async () => {
    // Prepare
    const w = await awaitingApproval();

    // Act
    const summary = await cancelBatch(w.decide, 'big', { reason: 'wrong month' }, 'amina');

    // Assess
    expect(summary).toMatchObject({
      status: 'CANCELLED',
      cancellation: { by: 'amina', at: NOW, reason: 'wrong month' },
    });
    const outbox = (await w.batches.readOutbox('big')).map((e) => e.type);
    expect(outbox.at(-1)).toBe('Batch Cancelled');
    expect(w.steps.woken).toEqual([{ batchId: 'big', delaySeconds: 0 }]);
    expect(w.counter.counts.BatchCancelled).toBe(1);
  });

  it('refuses a batch already recording, changing nothing', async () => {
    // Prepare
    const w = await awaitingApproval();
    await approveBatch(w.decide, 'big', {}, 'amina');

    // Act
    const cancelling = cancelBatch(w.decide, 'big', { reason: 'too late' }, 'amina');

    // Assess
    await expect(cancelling).rejects.toBeInstanceOf(BatchStateError);
    await expect(cancelling).rejects.toThrow('Batch big is RECORDING');
    expect((await w.header('big')).cancellation).toBeUndefined();
  });

  it('requires a reason that is not blank, naming the field', async () => {
    // Prepare
    const w = await awaitingApproval();

    // Act
    const missing = cancelBatch(w.decide, 'big', {}, 'amina');
    const blank = cancelBatch(w.decide, 'big', { reason: '   ' }, 'amina');

    // Assess
    await expect(missing).rejects.toMatchObject({ problems: [{ field: 'reason' }] });
    await expect(blank).rejects.toMatchObject({
      problems: [{ field: 'reason', message: 'must not be blank' }],
    });
    expect((await w.header('big')).status).toBe('AWAITING_APPROVAL');
  });
});

describe('an operator decision in each status', () => {
  /** A bare header in `status`, its approval still open. */
  async function inStatus(status: BatchStatus) {
    const w = batchWorld();
    await w.batches.create({
      batchId: 'b1',
      requestHash: 'hash',
      itemCount: 1,
      totalAmount: 100,
      status,
      createdAt: NOW,
      updatedAt: NOW,
      capDay: '2026-11-30',
      approvalDeadline: '2026-12-01T07:00:00.000Z',
    });
    return w;
  }

  const settled = async (decision: Promise<{ status: string }>) =>
    decision.then(
      (summary) => summary.status,
      (error: unknown) => (error instanceof BatchStateError ? 'refused' : error),
    );

  it.each(BATCH_STATUSES)('from %s: approve and cancel only where the machine allows', async (status) => {
    // Prepare
    const approving = await inStatus(status);
    const cancelling = await inStatus(status);

    // Act
    const approved = await settled(approveBatch(approving.decide, 'b1', {}, 'amina'));
    const cancelled = await settled(cancelBatch(cancelling.decide, 'b1', { reason: 'no' }, 'amina'));

    // Assess
    expect(approved).toBe(status === 'AWAITING_APPROVAL' ? 'RECORDING' : 'refused');
    expect(cancelled).toBe(
      ['RECEIVED', 'AWAITING_APPROVAL', 'AWAITING_FUNDS'].includes(status) ? 'CANCELLED' : 'refused',
    );
  });
});
