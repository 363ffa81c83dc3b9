import { describe, expect, it } from 'vitest';
import type { BatchRecord } from '../../../../lib/batches/batch';
import { acceptBatch, batchHash, type IntakeDeps } from '../../../../lib/batches/intake';
import { type BatchRequest, parseBatchRequest } from '../../../../lib/batches/schema';
import { BatchConflictError, CapExceededError, ValidationError } from '../../../../lib/errors';
import { batchMark } from '../../../../lib/limits/batch-shares';
import type { DailyCaps } from '../../../../lib/limits/caps';
import { InMemoryBatchStore } from '../../../support/fakes/batch-store';
import { InMemoryCapLedger } from '../../../support/fakes/cap-ledger';
import { countingCounter, manualClock, silentLog } from '../../../support/fakes/observability';
import { ROOMY_CAPS } from '../../../support/fakes/payout-world';
import { RecordingStepQueue } from '../../../support/fakes/queues';

const NOW = '2026-11-24T07:00:00.000Z';
const DAY = '2026-11-24';

const REQUEST: BatchRequest = {
  batchId: 'batch-1',
  items: [
    { tradeNo: 'b1-0', amount: 1000, mobile: '254712345678' },
    { tradeNo: 'b1-1', amount: 2500, mobile: '254722000111', remark: 'bonus' },
  ],
};

function world(options: { dailyCaps?: DailyCaps; approvalAboveAmount?: number } = {}) {
  const batches = new InMemoryBatchStore();
  const caps = new InMemoryCapLedger();
  const steps = new RecordingStepQueue();
  const clock = manualClock(NOW);
  const deps: IntakeDeps = {
    batches,
    caps,
    steps,
    dailyCaps: options.dailyCaps ?? ROOMY_CAPS,
    ...(options.approvalAboveAmount !== undefined && { approvalAboveAmount: options.approvalAboveAmount }),
    counter: countingCounter(),
    log: silentLog,
    now: clock.now,
  };
  return { batches, caps, steps, clock, deps };
}

/** The header of REQUEST once taken in at NOW: lines stored, Batch Accepted committed. */
const accepted: BatchRecord = {
  batchId: 'batch-1',
  requestHash: batchHash(REQUEST),
  itemCount: 2,
  totalAmount: 3500,
  status: 'RECEIVED',
  createdAt: NOW,
  updatedAt: NOW,
  capDay: DAY,
  nextStepAt: '2026-11-24T07:02:00.000Z',
  lineRows: 1,
  version: 1,
};

describe('acceptBatch', () => {
  it('stores the batch and its lines, reserves its share of the day once, commits Batch Accepted and asks for the first step', async () => {
    // Prepare
    const w = world();

    // Act
    const result = await acceptBatch(w.deps, REQUEST);

    // Assess
    expect(result).toEqual({ outcome: 'accepted', batch: accepted });
    expect(w.batches.all()).toEqual([accepted]);
    expect(await w.batches.rows('batch-1')).toEqual([{ row: 0, first: 0, lines: REQUEST.items }]);
    expect((await w.batches.readOutbox('batch-1')).map((e) => [e.eventId, e.type])).toEqual([
      ['batch:batch-1:1', 'Batch Accepted'],
    ]);
    expect(w.caps.snapshot()).toEqual({
      [`DAY#${DAY}`]: { amount: 3500, count: 2, marks: [batchMark('batch-1', batchHash(REQUEST))] },
    });
    expect(w.steps.woken).toEqual([{ batchId: 'batch-1', delaySeconds: 0 }]);
  });

  it('answers the same batch again with the stored one: nothing reserved, stored or asked for twice', async () => {
    // Prepare
    const w = world();
    await acceptBatch(w.deps, REQUEST);
    const capsAfterFirst = w.caps.snapshot();
    w.clock.advance(5_000);

    // Act
    const replay = await acceptBatch(w.deps, REQUEST);

    // Assess
    expect(replay).toEqual({ outcome: 'replayed', batch: accepted });
    expect(w.batches.all()).toEqual([accepted]);
    expect(w.caps.snapshot()).toEqual(capsAfterFirst);
    expect(w.steps.woken).toHaveLength(1);
  });

  it('refuses the same batchId with other items with BatchConflictError, changing nothing', async () => {
    // Prepare
    const w = world();
    await acceptBatch(w.deps, REQUEST);
    const capsAfterFirst = w.caps.snapshot();
    const other: BatchRequest = {
      ...REQUEST,
      items: [{ tradeNo: 'b1-0', amount: 9000, mobile: '254712345678' }],
    };

    // Act
    const refused = await acceptBatch(w.deps, other).catch((e: unknown) => e);

    // Assess
    expect(refused).toBeInstanceOf(BatchConflictError);
    expect(w.batches.all()).toEqual([accepted]);
    expect(w.caps.snapshot()).toEqual(capsAfterFirst);
  });

  it("refuses a batch over what is left of the day's cap with CapExceededError: nothing stored, reserved or asked for", async () => {
    // Prepare
    const w = world({ dailyCaps: { ...ROOMY_CAPS, dailyMaxAmount: 3000 } });

    // Act
    const refused = await acceptBatch(w.deps, REQUEST).catch((e: unknown) => e);

    // Assess
    expect(refused).toBeInstanceOf(CapExceededError);
    expect({ ...(refused as CapExceededError) }).toEqual({
      name: 'CapExceededError',
      cap: 'dailyAmount',
      limit: 3000,
      remaining: 3000,
      day: DAY,
      problems: [],
      problemCount: 0,
    });
    expect(w.batches.all()).toEqual([]);
    expect(w.caps.writes).toBe(0);
    expect(w.steps.woken).toEqual([]);
  });

  it('marks a batch whose total is above the approval amount as needing an approval', async () => {
    // Prepare
    const w = world({ approvalAboveAmount: 3000 });

    // Act
    const result = await acceptBatch(w.deps, REQUEST);

    // Assess
    expect(result).toEqual({ outcome: 'accepted', batch: { ...accepted, needsApproval: true } });
  });
});

describe('parseBatchRequest', () => {
  it('refuses a batch whole when any item is invalid, naming every problem, so nothing reaches acceptBatch', () => {
    // Prepare
    const body = {
      batchId: 'batch-2',
      items: [
        { tradeNo: 'b2-0', amount: 1000, mobile: '0712345678' },
        { tradeNo: 'b2-1', amount: 1000, mobile: '12345' },
        { tradeNo: 'b2-0', amount: 1000, mobile: '0712345678' },
      ],
    };

    // Act
    const refused = (() => {
      try {
        return parseBatchRequest(body, { min: 50, max: 250_000 });
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).problems).toEqual([
      {
        field: 'items[1].mobile',
        message:
          'must be a Kenyan mobile number such as 0712345678 or +254712345678 (2547… or 2541…, 12 digits)',
      },
      { field: 'items[2].tradeNo', message: 'duplicates items[0].tradeNo' },
    ]);
  });
});
