import { describe, expect, it } from 'vitest';
import type { BatchRecord, LineRow } from '../../../../lib/batches/batch';
import { recordRow } from '../../../../lib/batches/record';
import { requestHash } from '../../../../lib/payouts/create';
import { pendingPayout } from '../../../../lib/payouts/payout';
import { batchWorld } from '../../../support/fakes/batch-world';

const NOW = '2026-11-30T07:00:00.000Z';
const DAY = '2026-11-30';

const record: BatchRecord = {
  batchId: 'pay',
  requestHash: 'hash',
  itemCount: 3,
  totalAmount: 600,
  status: 'RECORDING',
  createdAt: NOW,
  updatedAt: NOW,
  capDay: DAY,
  lineRows: 1,
};

const lines = [
  { tradeNo: 'pay-0', amount: 100, mobile: '254712000000' },
  { tradeNo: 'pay-1', amount: 200, mobile: '254712000001' },
  { tradeNo: 'pay-2', amount: 300, mobile: '254712000002' },
];
const row: LineRow = { row: 0, first: 0, lines };

/** A single payout (no batch) already stored under `line`'s tradeNo. */
function single(line: (typeof lines)[number], batchId?: string) {
  return pendingPayout({
    request: line,
    requestHash: requestHash(line),
    capDay: DAY,
    ...(batchId !== undefined && { batchId }),
    createdAt: NOW,
    recordedAt: NOW,
    note: 'payout requested',
  });
}

/** A world whose batches table holds the batch's header and its one row of lines. */
async function stored() {
  const w = batchWorld();
  await w.batches.create(record);
  await w.batches.putLines(record.batchId, lines);
  return w;
}

describe('recordRow', () => {
  it("makes each line a PENDING payout of the batch, at the batch's instant, and queues each once", async () => {
    // Prepare
    const w = await stored();

    // Act
    const findings = await recordRow(w.advance, record, row);

    // Assess
    expect(findings).toEqual({ rejected: [], adopted: [] });
    expect(w.payouts.all().map((p) => [p.tradeNo, p.status, p.batchId, p.amount, p.createdAt])).toEqual([
      ['pay-0', 'PENDING', 'pay', 100, NOW],
      ['pay-1', 'PENDING', 'pay', 200, NOW],
      ['pay-2', 'PENDING', 'pay', 300, NOW],
    ]);
    expect(w.sends.queued).toEqual(['pay-0', 'pay-1', 'pay-2']);
  });

  it('rejects a line whose tradeNo another payout holds, and adopts an identical payout of no batch', async () => {
    // Prepare
    const w = await stored();
    await w.payouts.create(single({ ...(lines[0] as (typeof lines)[number]), amount: 999 }), NOW);
    await w.payouts.create(single(lines[1] as (typeof lines)[number]), NOW);

    // Act
    const findings = await recordRow(w.advance, record, row);

    // Assess
    expect(findings).toEqual({
      rejected: [
        {
          index: 0,
          reason: 'tradeNo is used by another payout with a different amount, mobile or remark',
        },
      ],
      adopted: [1],
    });
    expect((await w.payouts.get('pay-0'))?.amount).toBe(999);
    expect((await w.payouts.get('pay-0'))?.batchId).toBeUndefined();
    expect((await w.payouts.get('pay-1'))?.batchId).toBe('pay');
    expect(w.sends.queued).toEqual(['pay-1', 'pay-2']);
    expect(w.counter.counts.BatchItemRejected).toBe(1);
    expect((await w.batches.rows('pay'))[0]).toMatchObject({ rejected: findings.rejected, adopted: [1] });
  });

  it("rejects a line whose tradeNo another batch's payout holds, naming that batch", async () => {
    // Prepare
    const w = await stored();
    await w.payouts.create(single(lines[2] as (typeof lines)[number], 'other'), NOW);

    // Act
    const findings = await recordRow(w.advance, record, row);

    // Assess
    expect(findings.rejected).toEqual([{ index: 2, reason: 'tradeNo belongs to batch other' }]);
    expect(w.sends.queued).toEqual(['pay-0', 'pay-1']);
  });

  it('run again after a crash, finds its own payouts, records nothing twice and writes the same findings', async () => {
    // Prepare
    const w = await stored();
    await w.payouts.create(single(lines[1] as (typeof lines)[number]), NOW);
    const first = await recordRow(w.advance, record, row);
    const payouts = w.payouts.all();

    // Act
    const again = await recordRow(w.advance, record, row);

    // Assess
    expect(again).toEqual(first);
    expect(w.payouts.all()).toEqual(payouts);
    expect(new Set(w.sends.queued)).toEqual(new Set(['pay-0', 'pay-1', 'pay-2']));
  });
});
