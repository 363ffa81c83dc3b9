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

const outboxTypes = async (w: ReturnType<typeof batchWorld>, batchId: string) =>
  (await w.batches.readOutbox(batchId)).map((e) => e.type);

describe('awaitLines (RECEIVED, lines not stored)', () => {
  it('waits for the lines while the intake may still store them', async () => {
    // Prepare
    const w = batchWorld();
    await w.batches.create(header('RECEIVED'));
    w.clock.advance(60_000);

    // Act
    const result = await awaitLines(w.advance, await w.context('b1'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'wait', ms: INTAKE_ABANDONED_MS - 60_000 });
    expect((await w.header('b1')).status).toBe('RECEIVED');
  });

  it('cancels the batch once its intake has plainly died, saying so, with Batch Cancelled', async () => {
    // Prepare
    const w = batchWorld();
    await w.batches.create(header('RECEIVED'));
    w.clock.advance(INTAKE_ABANDONED_MS);

    // Act
    const result = await awaitLines(w.advance, await w.context('b1'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'continue', record: { status: 'CANCELLED' } });
    expect((await w.header('b1')).cancellation).toMatchObject({
      by: 'intake',
      reason: expect.stringContaining('send it again under a new batchId'),
    });
    expect(await outboxTypes(w, 'b1')).toEqual(['Batch Cancelled']);
    expect(w.counter.counts.BatchCancelled).toBe(1);
  });
});

describe('reserveRecipients (RECEIVED, lines stored)', () => {
  it("rejects a batch over a recipient's cap, naming the cap and the item", async () => {
    // Prepare
    const w = batchWorld({ dailyCaps: { ...ROOMY_CAPS, recipientDailyMaxAmount: 1_000 } });
    await acceptBatch(w.intake, batchRequest('over', [500, 1_500]));

    // Act
    const result = await reserveRecipients(w.advance, await w.context('over'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'continue', record: { status: 'REJECTED' } });
    const { rejection } = await w.header('over');
    expect(rejection).toMatchObject({ cap: 'recipientDailyAmount', limit: 1_000, day: DAY, problemCount: 1 });
    expect(rejection?.errors.map((e) => e.field)).toEqual(['items[1].mobile']);
    expect(w.counter.counts.BatchRejected).toBe(1);
  });

  it('waits for an operator when the total needs approval, until the deadline', async () => {
    // Prepare
    const w = batchWorld({ approvalAboveAmount: 1_000 });
    await acceptBatch(w.intake, batchRequest('big', [800, 800]));

    // Act
    const result = await reserveRecipients(w.advance, await w.context('big'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'wait', ms: w.advance.approvalTtlMs });
    expect(await w.header('big')).toMatchObject({
      status: 'AWAITING_APPROVAL',
      approvalDeadline: '2026-12-01T07:00:00.000Z',
    });
    expect(w.payouts.all()).toEqual([]);
  });

  it("goes on to RECORDING with each recipient's share reserved, nothing recorded yet", async () => {
    // Prepare
    const w = batchWorld();
    await acceptBatch(w.intake, batchRequest('small', [800, 200]));

    // Act
    const result = await reserveRecipients(w.advance, await w.context('small'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'continue', record: { status: 'RECORDING' } });
    expect(await w.header('small')).toMatchObject({ recordedRows: 0, recordedItems: 0, recordedAmount: 0 });
    expect(w.caps.snapshot()[recipientKey('254712000000', DAY)]).toMatchObject({ amount: 800, count: 1 });
    expect(w.payouts.all()).toEqual([]);
  });
});

describe('awaitApproval (AWAITING_APPROVAL)', () => {
  it('waits for the time left before the deadline', async () => {
    // Prepare
    const w = batchWorld({ approvalAboveAmount: 1_000 });
    await acceptBatch(w.intake, batchRequest('big', [2_000]));
    await reserveRecipients(w.advance, await w.context('big'));
    w.clock.advance(3_600_000);

    // Act
    const result = await awaitApproval(w.advance, await w.context('big'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'wait', ms: 23 * 3_600_000 });
    expect((await w.header('big')).status).toBe('AWAITING_APPROVAL');
  });

  it('cancels the batch by expiry once the deadline passed', async () => {
    // Prepare
    const w = batchWorld({ approvalAboveAmount: 1_000 });
    await acceptBatch(w.intake, batchRequest('big', [2_000]));
    await reserveRecipients(w.advance, await w.context('big'));
    w.clock.advance(24 * 3_600_000);

    // Act
    const result = await awaitApproval(w.advance, await w.context('big'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'continue', record: { status: 'CANCELLED' } });
    expect((await w.header('big')).cancellation).toMatchObject({
      by: 'expiry',
      reason: 'not approved within 24 h',
    });
    expect(await outboxTypes(w, 'big')).toContain('Batch Cancelled');
  });
});

/** A batch accepted and past its recipients' step: RECORDING, nothing recorded. */
async function recording(w: ReturnType<typeof batchWorld>, batchId: string, amounts: number[]) {
  await acceptBatch(w.intake, batchRequest(batchId, amounts));
  await reserveRecipients(w.advance, await w.context(batchId));
}

describe('recordNext (RECORDING)', () => {
  it('records a row: each line a PENDING payout queued once, the progress on the header', async () => {
    // Prepare
    const w = batchWorld();
    await recording(w, 'pay', [100, 200]);

    // Act
    const result = await recordNext(w.advance, await w.context('pay'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'continue', record: { status: 'RECORDING' } });
    expect(w.payouts.all().map((p) => [p.tradeNo, p.status, p.batchId])).toEqual([
      ['pay-0', 'PENDING', 'pay'],
      ['pay-1', 'PENDING', 'pay'],
    ]);
    expect(w.sends.queued).toEqual(['pay-0', 'pay-1']);
    expect(await w.header('pay')).toMatchObject({ recordedRows: 1, recordedItems: 2, recordedAmount: 300 });
  });

  it('after the last row, settles the shares once and moves to SENDING', async () => {
    // Prepare
    const w = batchWorld();
    await recording(w, 'pay', [100, 200]);
    await recordNext(w.advance, await w.context('pay'));

    // Act
    const result = await recordNext(w.advance, await w.context('pay'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'wait', ms: w.advance.checkIntervalMs });
    expect(await w.header('pay')).toMatchObject({ status: 'SENDING', sharesSettled: true });
    expect(w.sends.queued).toEqual(['pay-0', 'pay-1']);
  });
});

describe('checkCompletion (SENDING)', () => {
  async function sending(w: ReturnType<typeof batchWorld>) {
    await recording(w, 'pay', [100, 200]);
    await recordNext(w.advance, await w.context('pay'));
    await recordNext(w.advance, await w.context('pay'));
  }

  it('counts the open items and waits, the progress on the header', async () => {
    // Prepare
    const w = batchWorld();
    await sending(w);
    w.payouts.patch('pay-0', { status: 'SUCCEEDED' });

    // Act
    const result = await checkCompletion(w.advance, await w.context('pay'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'wait', ms: w.advance.checkIntervalMs });
    const { progress, status } = await w.header('pay');
    expect(status).toBe('SENDING');
    expect(progress?.counts).toMatchObject({ SUCCEEDED: 1, PENDING: 1 });
  });

  it('completes with failures once every item is final and one failed, with Batch Completed', async () => {
    // Prepare
    const w = batchWorld();
    await sending(w);
    w.payouts.patch('pay-0', { status: 'SUCCEEDED' });
    w.payouts.patch('pay-1', { status: 'FAILED' });

    // Act
    const result = await checkCompletion(w.advance, await w.context('pay'));

    // Assess
    expect(result).toMatchObject({ afterwards: 'stop', record: { status: 'COMPLETED_WITH_FAILURES' } });
    const done = await w.header('pay');
    expect(done).toMatchObject({ completedAt: NOW });
    expect(done.progress?.counts).toMatchObject({ SUCCEEDED: 1, FAILED: 1, PENDING: 0 });
    expect(await outboxTypes(w, 'pay')).toEqual(['Batch Accepted', 'Batch Completed']);
  });
});

describe('releaseShares (REJECTED or CANCELLED)', () => {
  it('gives back every share the batch reserved, once, and is done', async () => {
    // Prepare
    const w = batchWorld({ dailyCaps: { ...ROOMY_CAPS, recipientDailyMaxAmount: 1_000 } });
    await acceptBatch(w.intake, batchRequest('over', [500, 1_500]));
    await reserveRecipients(w.advance, await w.context('over'));

    // Act
    const first = await releaseShares(w.advance, await w.context('over'));
    const again = await releaseShares(w.advance, await w.context('over'));

    // Assess
    expect(first).toMatchObject({ afterwards: 'stop', record: { sharesSettled: true } });
    expect(again.afterwards).toBe('stop');
    const nothing = { amount: 0, count: 0 };
    expect(w.caps.snapshot()[dayKey(DAY)]).toEqual(nothing);
    expect(w.caps.snapshot()[recipientKey('254712000000', DAY)]).toEqual(nothing);
  });
});
