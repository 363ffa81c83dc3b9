import { describe, expect, it } from 'vitest';
import {
  BATCH_STATUSES,
  type BatchRecord,
  type BatchStatus,
  canMoveBatch,
} from '../../../../lib/batches/batch';
import { acceptBatch } from '../../../../lib/batches/intake';
import {
  awaitApproval,
  awaitLines,
  checkCompletion,
  INTAKE_ABANDONED_MS,
  move,
  recordNext,
  releaseShares,
  reserveRecipients,
} from '../../../../lib/batches/steps';
import { BatchStateError } from '../../../../lib/errors';
import { dayKey, recipientKey } from '../../../../lib/limits/caps';
import { batchRequest, batchWorld } from '../../../support/fakes/batch-world';
import { ROOMY_CAPS } from '../../../support/fakes/payout-world';

const NOW = '2026-11-30T07:00:00.000Z';
const DAY = '2026-11-30';

const header = (status: BatchStatus): BatchRecord => ({
  batchId: 'b1',
  requestHash: 'hash',
  itemCount: 1,
  totalAmount: 100,
  status,
  createdAt: NOW,
  updatedAt: NOW,
  capDay: DAY,
});

const pairs = BATCH_STATUSES.flatMap((from) => BATCH_STATUSES.map((to) => ({ from, to })));

describe('move()', () => {
  it.each(pairs.filter(({ from, to }) => !canMoveBatch(from, to)))(
    'refuses $from → $to with BatchStateError and writes nothing',
    async ({ from, to }) => {
      // Prepare
      const w = batchWorld();
      await w.batches.create(header(from));
      const before = await w.header('b1');

      // Act
      const moving = move(w.advance, await w.context('b1'), to, {});

      // Assess
      await expect(moving).rejects.toBeInstanceOf(BatchStateError);
      await expect(moving).rejects.toThrow(`Batch b1 is ${from}: it cannot move to ${to}.`);
      expect(await w.header('b1')).toEqual(before);
      expect(await w.batches.readOutbox('b1')).toEqual([]);
    },
  );

  it.each(pairs.filter(({ from, to }) => canMoveBatch(from, to)))(
    'moves $from → $to',
    async ({ from, to }) => {
      // Prepare
      const w = batchWorld();
      await w.batches.create(header(from));

      // Act
      const moved = await move(w.advance, await w.context('b1'), to, {});

      // Assess
      expect(moved?.status).toBe(to);
      expect((await w.header('b1')).status).toBe(to);
    },
  );

  it('is refused (undefined), not thrown, when the batch moved on meanwhile', async () => {
    // Prepare
    const w = batchWorld();
    await w.batches.create(header('AWAITING_APPROVAL'));
    const stale = await w.context('b1');
    await w.batches.update('b1', { set: { status: 'RECORDING' } });

    // Act
    const moved = await move(w.advance, stale, 'CANCELLED', {});

    // Assess
    expect(moved).toBeUndefined();
    expect((await w.header('b1')).status).toBe('RECORDING');
  });
});
