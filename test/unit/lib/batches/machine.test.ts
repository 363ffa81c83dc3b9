import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BatchRecord, isFinalBatch } from '../../../../lib/batches/batch';
import { approveBatch, cancelBatch } from '../../../../lib/batches/decide';
import { acceptBatch } from '../../../../lib/batches/intake';
import { getBatch } from '../../../../lib/batches/read';
import { sendQueuedItem } from '../../../../lib/batches/send-item';
import { BatchStateError } from '../../../../lib/errors';
import { batchRequest, batchWorld } from '../../../support/fakes/batch-world';
import { inMemoryBreaker } from '../../../support/fakes/breaker';
import { ROOMY_CAPS } from '../../../support/fakes/payout-world';
import { FAKE_SECRET } from '../../../support/fakes/secrets';

type World = ReturnType<typeof batchWorld>;

/** One thing that happens to the batch: a run of its steps, a decision, a crash, a send, time. */
type Op =
  | { kind: 'run' }
  | { kind: 'approve' }
  | { kind: 'cancel' }
  | { kind: 'crash'; after: number }
  | { kind: 'send' }
  | { kind: 'settle'; ok: boolean }
  | { kind: 'time'; ms: number }
  | { kind: 'float'; balance: number };

/**
 * How far along a batch is: each move the machine allows goes up, or stays within RECORDING.
 * RECORDING before its funds check comes before AWAITING_FUNDS, and RECORDING after it after.
 */
function phase(record: BatchRecord): number {
  if (isFinalBatch(record.status)) return 6;
  switch (record.status) {
    case 'RECEIVED':
      return 0;
    case 'AWAITING_APPROVAL':
      return 1;
    case 'AWAITING_FUNDS':
      return 3;
    case 'RECORDING':
      return record.fundsCheckedAt === undefined ? 2 : 4;
    default:
      return 5;
  }
}

/**
 * Crashes the world's stores and queue: once armed, the `after`-th call throws and so does every
 * call after it, as a run whose Lambda died there, until disarmed.
 */
function crashable(w: World) {
  let left: number | undefined;
  let crashed = false;
  const targets: object[] = [w.batches, w.payouts, w.caps, w.sends];
  for (const target of targets) {
    const proto = Object.getPrototypeOf(target) as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const original = proto[name];
      if (name === 'constructor' || typeof original !== 'function') continue;
      Object.defineProperty(target, name, {
        value: (...args: unknown[]) => {
          if (left !== undefined) {
            if (!crashed && left === 0) crashed = true;
            left -= 1;
            if (crashed) throw new Error('crashed (test)');
          }
          return (original as (...a: unknown[]) => unknown).apply(target, args);
        },
      });
    }
  }
  return {
    arm: (after: number) => {
      left = after;
      crashed = false;
    },
    disarm: () => {
      left = undefined;
      crashed = false;
    },
  };
}

/** Sends every queued item not sent yet through the send-once path (Paypro answers in progress). */
async function sendQueued(w: World, done: Set<string>): Promise<void> {
  const deps = {
    repository: w.payouts,
    caps: w.caps,
    paypro: w.float,
    breaker: inMemoryBreaker({ log: w.log, counter: w.counter, now: w.clock.now }).breaker,
    counter: w.counter,
    log: w.log,
    now: w.clock.now,
    publicBaseUrl: 'https://payouts.test/test',
    secret: async () => FAKE_SECRET,
    sends: w.sends,
    holdDelayS: 15,
  };
  // Every message, duplicates included: SQS delivers at least once.
  for (const tradeNo of [...w.sends.queued]) {
    await sendQueuedItem(deps, tradeNo);
    done.add(tradeNo);
  }
}

/** Settles the first PROCESSING payout of the batch as Paypro's callback would. */
function settleOne(w: World, ok: boolean): void {
  const open = w.payouts.all().find((p) => p.status === 'PROCESSING');
  if (open) w.payouts.patch(open.tradeNo, { status: ok ? 'SUCCEEDED' : 'FAILED' });
}

async function refusedOrDone(decision: Promise<unknown>): Promise<void> {
  await decision.catch((error: unknown) => {
    if (!(error instanceof BatchStateError)) throw error;
  });
}

async function apply(w: World, crash: ReturnType<typeof crashable>, sent: Set<string>, op: Op) {
  switch (op.kind) {
    case 'run':
      await w.run('p');
      return;
    case 'approve':
      return refusedOrDone(approveBatch(w.decide, 'p', {}, 'amina'));
    case 'cancel':
      return refusedOrDone(cancelBatch(w.decide, 'p', { reason: 'changed our mind' }, 'amina'));
    case 'crash':
      crash.arm(op.after);
      await w.run('p').catch(() => undefined);
      crash.disarm();
      // The dead run's lease expires before anyone resumes the batch.
      w.clock.advance(w.advance.leaseMs);
      return;
    case 'send':
      return sendQueued(w, sent);
    case 'settle':
      return settleOne(w, op.ok);
    case 'time':
      w.clock.advance(op.ms);
      return;
    case 'float':
      w.float.setBalance(op.balance);
  }
}

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'run' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'approve' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('crash' as const), after: fc.integer({ min: 0, max: 30 }) }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'send' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const), ok: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('time' as const),
      ms: fc.constantFrom(1_000, 60_000, 300_000, 15 * 60_000, 25 * 3_600_000),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('float' as const),
      balance: fc.constantFrom(0, 300, 100_000_000),
    }),
  },
);

const setup = fc.record({
  amounts: fc.array(fc.integer({ min: 100, max: 200 }), { minLength: 1, maxLength: 4 }),
  needsApproval: fc.boolean(),
  recipientCap: fc.constantFrom(150, 1_000_000),
  balance: fc.constantFrom(0, 300, 100_000_000),
});

/** What must hold after anything: counts add up, nothing moved back, nothing sent twice. */
async function expectSound(w: World, before: BatchRecord): Promise<BatchRecord> {
  const view = await getBatch({ payouts: w.payouts, batches: w.batches }, 'p');
  const record = await w.header('p');
  const sum = (totals: Record<string, number>) => Object.values(totals).reduce((a, b) => a + b, 0);
  expect(sum(view.counts)).toBe(record.itemCount);
  expect(sum(view.amounts)).toBe(record.totalAmount);
  expect(phase(record)).toBeGreaterThanOrEqual(phase(before));
  expect(record.recordedRows ?? 0).toBeGreaterThanOrEqual(before.recordedRows ?? 0);
  for (const call of w.float.payoutCalls) expect(w.float.sent(call.tradeNo)).toBe(1);
  if (record.status === 'REJECTED' || record.status === 'CANCELLED') {
    expect(w.payouts.all()).toEqual([]);
    expect(w.float.payoutCalls).toEqual([]);
  }
  return record;
}

/** Lets the batch run, approved, with the float topped up and every send paid, until it is final. */
async function finish(w: World, sent: Set<string>, from: BatchRecord): Promise<BatchRecord> {
  let before = from;
  w.float.setBalance(100_000_000);
  for (let round = 0; round < 12 && !isFinalBatch(before.status); round += 1) {
    await refusedOrDone(approveBatch(w.decide, 'p', {}, 'amina'));
    await w.run('p');
    await sendQueued(w, sent);
    while (w.payouts.all().some((p) => p.status === 'PROCESSING')) settleOne(w, true);
    w.clock.advance(15 * 60_000);
    before = await expectSound(w, before);
  }
  return before;
}

describe('a batch through any sequence of steps, decisions, crashes and resumes', () => {
  it('keeps its counts adding up to itemCount, never moves back, sends no item twice, and ends final', async () => {
    await fc.assert(
      fc.asyncProperty(setup, fc.array(op, { minLength: 1, maxLength: 40 }), async (given, ops) => {
        // Prepare
        const w = batchWorld({
          balance: given.balance,
          dailyCaps: { ...ROOMY_CAPS, recipientDailyMaxAmount: given.recipientCap },
          ...(given.needsApproval && { approvalAboveAmount: 0 }),
        });
        await acceptBatch(w.intake, batchRequest('p', given.amounts));
        const crash = crashable(w);
        const sent = new Set<string>();
        let before = await w.header('p');

        // Act, and Assess after every step
        for (const next of ops) {
          await apply(w, crash, sent, next);
          before = await expectSound(w, before);
        }
        // Then, approved and with the float topped up, it ends.
        before = await finish(w, sent, before);

        // Assess
        expect(isFinalBatch(before.status)).toBe(true);
        if (before.status === 'COMPLETED' || before.status === 'COMPLETED_WITH_FAILURES') {
          const tradeNos = given.amounts.map((_, i) => `p-${i}`);
          expect(tradeNos.map((t) => w.float.sent(t))).toEqual(tradeNos.map(() => 1));
        }
      }),
      { numRuns: 150 },
    );
  });
});
