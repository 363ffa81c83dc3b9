import { describe, expect, it } from 'vitest';
import { type AdvanceDeps, advanceBatch } from '../../../../lib/batches/advance';
import type { BatchRecord } from '../../../../lib/batches/batch';
import { cancelBatch } from '../../../../lib/batches/decide';
import type { BatchEventDetail } from '../../../../lib/batches/events';
import { StoredInFlight } from '../../../../lib/batches/in-flight-reader';
import { acceptBatch, type IntakeDeps } from '../../../../lib/batches/intake';
import { batchReport, getBatch } from '../../../../lib/batches/read';
import type { BatchRequest } from '../../../../lib/batches/schema';
import { sendQueuedItem } from '../../../../lib/batches/send-item';
import { dayKey, recipientKey } from '../../../../lib/limits/caps';
import { InMemoryBatchStore } from '../../../support/fakes/batch-store';
import { inMemoryBreaker } from '../../../support/fakes/breaker';
import { InMemoryCapLedger } from '../../../support/fakes/cap-ledger';
import { RecordingBus } from '../../../support/fakes/event-bus';
import { InMemoryFundsGate } from '../../../support/fakes/funds-gate';
import { countingCounter, manualClock, recordingLog } from '../../../support/fakes/observability';
import { InMemoryPayoutStore } from '../../../support/fakes/payout-store';
import { ROOMY_CAPS } from '../../../support/fakes/payout-world';
import { accepted, FakePaypro } from '../../../support/fakes/paypro';
import { RecordingSendQueue, RecordingStepQueue } from '../../../support/fakes/queues';
import { FAKE_SECRET } from '../../../support/fakes/secrets';

const NOW = '2026-11-30T07:00:00.000Z';
const DAY = '2026-11-30';
const RECHECK_MS = 300_000;

const request = (batchId: string, amounts: number[]): BatchRequest => ({
  batchId,
  items: amounts.map((amount, i) => ({ tradeNo: `${batchId}-${i}`, amount, mobile: `25471200000${i}` })),
});

function world(available: number) {
  const batches = new InMemoryBatchStore();
  const caps = new InMemoryCapLedger();
  const payouts = new InMemoryPayoutStore();
  const sends = new RecordingSendQueue();
  const steps = new RecordingStepQueue();
  const bus = new RecordingBus();
  const gate = new InMemoryFundsGate();
  const float = new FakePaypro().setBalance(available);
  const clock = manualClock(NOW);
  const log = recordingLog();
  const common = { batches, caps, steps, counter: countingCounter(), log, now: clock.now };
  const intake: IntakeDeps = { ...common, dailyCaps: ROOMY_CAPS };
  const advance: AdvanceDeps = {
    ...common,
    payouts,
    sends,
    bus,
    dailyCaps: ROOMY_CAPS,
    approvalTtlMs: 24 * 3_600_000,
    checkIntervalMs: 60_000,
    leaseMs: 180_000,
    funds: {
      float,
      credentials: async () => FAKE_SECRET,
      inFlight: new StoredInFlight({ payouts, batchPayouts: payouts, batches }),
      gate,
    },
    fundsRecheckMs: RECHECK_MS,
  };
  const run = (batchId: string) => advanceBatch(advance, batchId, () => 100_000);
  const header = async (batchId: string) => (await batches.get(batchId)) as BatchRecord;
  const eventsOf = (batchId: string) =>
    bus.published
      .filter((e) => (e.detail as { batchId?: string }).batchId === batchId)
      .map((e) => ({ type: e.type, status: (e.detail as BatchEventDetail).status }));
  return {
    batches,
    caps,
    payouts,
    sends,
    steps,
    bus,
    gate,
    float,
    clock,
    log,
    intake,
    advance,
    run,
    header,
    eventsOf,
  };
}

type World = ReturnType<typeof world>;

/** Sends every queued item through the send-once path, Paypro paying each at once. */
async function payEverything(w: World): Promise<void> {
  const paypro = w.float;
  for (const tradeNo of w.sends.queued) paypro.answerPayout(tradeNo, accepted(tradeNo, '0000', 'SUCCESS'));
  const counter = countingCounter();
  const deps = {
    repository: w.payouts,
    caps: w.caps,
    paypro,
    breaker: inMemoryBreaker({ log: w.log, counter, now: w.clock.now }).breaker,
    counter,
    log: w.log,
    now: w.clock.now,
    publicBaseUrl: 'https://payouts.test/test',
    secret: async () => FAKE_SECRET,
    sends: w.sends,
    holdDelayS: 15,
  };
  for (const tradeNo of w.sends.queued) await sendQueuedItem(deps, tradeNo);
}

describe('a batch the float does not cover', () => {
  it('shows its items as not recorded yet, with why, in its view and report.csv', async () => {
    // Prepare
    const w = world(3_000);
    await acceptBatch(w.intake, request('waits', [1_000, 2_500]));
    await w.run('waits');
    const read = { payouts: w.payouts, batches: w.batches };

    // Act
    const view = await getBatch(read, 'waits');
    const report = await batchReport(read, 'waits');

    // Assess: PENDING, as every item before it is recorded, and the reason says none is.
    const why = "not recorded yet: the batch awaits funds in the merchant's Paypro balance";
    expect(view.status).toBe('AWAITING_FUNDS');
    expect(view.items.map(({ status, reason }) => ({ status, reason }))).toEqual([
      { status: 'PENDING', reason: why },
      { status: 'PENDING', reason: why },
    ]);
    expect(report.split('\r\n')[1]).toBe(`waits-0,2547****0000,1000,PENDING,,,,,${why}`);
  });

  it('waits in AWAITING_FUNDS with one Batch Awaiting Funds event showing why, records and sends nothing, and asks again after FLOAT_RECHECK_S', async () => {
    // Prepare
    const w = world(3_000);
    await acceptBatch(w.intake, request('short', [1_000, 2_500]));

    // Act
    const result = await w.run('short');

    // Assess
    const funds = { available: 3_000, inFlight: 0, needed: 3_500, checkedAt: NOW };
    expect(result).toEqual({ batchId: 'short', status: 'AWAITING_FUNDS', events: 2 });
    expect(w.eventsOf('short')).toEqual([
      { type: 'Batch Accepted', status: 'RECEIVED' },
      { type: 'Batch Awaiting Funds', status: 'AWAITING_FUNDS' },
    ]);
    expect(w.bus.published[1]?.detail).toMatchObject({ previousStatus: 'RECORDING', funds });
    expect(await w.header('short')).toMatchObject({ status: 'AWAITING_FUNDS', funds });
    expect(w.payouts.all()).toEqual([]);
    expect(w.sends.queued).toEqual([]);
    expect(w.steps.woken.at(-1)).toEqual({ batchId: 'short', delaySeconds: RECHECK_MS / 1000 });
    expect(w.gate.held).toBeUndefined();
  });

  it('checked again while still short: new figures on the header, no second event, still nothing recorded', async () => {
    // Prepare
    const w = world(3_000);
    await acceptBatch(w.intake, request('short', [1_000, 2_500]));
    await w.run('short');
    w.clock.advance(RECHECK_MS);
    w.float.setBalance(3_400);

    // Act
    const result = await w.run('short');

    // Assess
    expect(result).toEqual({ batchId: 'short', status: 'AWAITING_FUNDS', events: 0 });
    expect(w.eventsOf('short').map((e) => e.type)).toEqual(['Batch Accepted', 'Batch Awaiting Funds']);
    expect((await w.header('short')).funds).toEqual({
      available: 3_400,
      inFlight: 0,
      needed: 3_500,
      checkedAt: w.clock.now().toISOString(),
    });
    expect(w.float.balanceCalls).toBe(2);
    expect(w.payouts.all()).toEqual([]);
  });

  it('goes on by itself once the float is topped up: recorded, each item queued once, and completed', async () => {
    // Prepare
    const w = world(3_000);
    await acceptBatch(w.intake, request('short', [1_000, 2_500]));
    await w.run('short');
    w.clock.advance(RECHECK_MS);
    w.float.setBalance(3_500);

    // Act
    const sending = await w.run('short');
    await payEverything(w);
    w.clock.advance(60_000);
    const completed = await w.run('short');

    // Assess
    expect(sending).toEqual({ batchId: 'short', status: 'SENDING', events: 0 });
    expect(w.sends.queued).toEqual(['short-0', 'short-1']);
    expect(completed).toEqual({ batchId: 'short', status: 'COMPLETED', events: 1 });
    expect(w.eventsOf('short')).toEqual([
      { type: 'Batch Accepted', status: 'RECEIVED' },
      { type: 'Batch Awaiting Funds', status: 'AWAITING_FUNDS' },
      { type: 'Batch Completed', status: 'COMPLETED' },
    ]);
    expect(w.payouts.all().map((p) => [p.tradeNo, p.status])).toEqual([
      ['short-0', 'SUCCEEDED'],
      ['short-1', 'SUCCEEDED'],
    ]);
  });

  it('waits when the balance cannot be read, saying so on the header and in the log, and goes on once it can', async () => {
    // Prepare
    const w = world(1_000_000);
    w.float.setBalance('unknown');
    await acceptBatch(w.intake, request('blind', [1_000]));

    // Act
    const blind = await w.run('blind');
    w.clock.advance(RECHECK_MS);
    w.float.setBalance(1_000_000);
    const seeing = await w.run('blind');

    // Assess
    expect(blind.status).toBe('AWAITING_FUNDS');
    expect(w.bus.published[1]?.detail).toMatchObject({
      funds: {
        inFlight: 0,
        needed: 1_000,
        checkedAt: NOW,
        readError: "Paypro's balance could not be read (fake Paypro).",
      },
    });
    expect(w.log.lines).toContainEqual({
      level: 'warn',
      message: 'could not read the float for a batch; it waits',
    });
    expect(seeing.status).toBe('SENDING');
    expect(w.sends.queued).toEqual(['blind-0']);
  });

  it('is let through at once, without a funds event, when the float covers it', async () => {
    // Prepare
    const w = world(3_500);
    await acceptBatch(w.intake, request('rich', [1_000, 2_500]));

    // Act
    const result = await w.run('rich');

    // Assess
    expect(result.status).toBe('SENDING');
    expect(w.eventsOf('rich').map((e) => e.type)).toEqual(['Batch Accepted']);
    expect(await w.header('rich')).toMatchObject({
      fundsCheckedAt: NOW,
      funds: { available: 3_500, inFlight: 0, needed: 3_500, checkedAt: NOW },
    });
    expect(w.sends.queued).toEqual(['rich-0', 'rich-1']);
  });
});

describe('cancelling a batch that waits for funds', () => {
  it('cancels it with Batch Cancelled, nothing recorded, and gives back every cap share it reserved', async () => {
    // Prepare
    const w = world(100);
    await acceptBatch(w.intake, request('poor', [1_000, 2_500]));
    await w.run('poor');
    const reserved = Object.keys(w.caps.snapshot());
    const decide = {
      batches: w.batches,
      steps: w.steps,
      counter: countingCounter(),
      log: w.log,
      now: w.clock.now,
    };

    // Act
    const summary = await cancelBatch(decide, 'poor', { reason: 'float not coming this week' }, 'amina');
    await w.run('poor');

    // Assess
    expect(summary).toMatchObject({
      status: 'CANCELLED',
      cancellation: { by: 'amina', at: NOW, reason: 'float not coming this week' },
    });
    expect(summary).not.toHaveProperty('funds');
    expect(reserved).toHaveLength(3);
    expect(w.eventsOf('poor').map((e) => e.type)).toEqual([
      'Batch Accepted',
      'Batch Awaiting Funds',
      'Batch Cancelled',
    ]);
    const nothing = { amount: 0, count: 0 };
    expect(w.caps.snapshot()).toEqual({
      [dayKey(DAY)]: nothing,
      [recipientKey('254712000000', DAY)]: nothing,
      [recipientKey('254712000001', DAY)]: nothing,
    });
    expect(w.payouts.all()).toEqual([]);
  });
});

describe('two batches checked at the same moment', () => {
  it('never both pass on the same float: one goes, the other waits for the gate, then sees the first in flight and waits for funds', async () => {
    // Prepare: a float of 5,000 KES, two batches of 3,500 each.
    const w = world(5_000);
    await acceptBatch(w.intake, request('first', [1_000, 2_500]));
    await acceptBatch(w.intake, request('second', [1_000, 2_500]));

    // Act
    const both = await Promise.all([w.run('first'), w.run('second')]);
    w.clock.advance(5_000);
    const waiting = both.find((r) => r.status !== 'SENDING');
    const retried = waiting ? await w.run(waiting.batchId) : undefined;

    // Assess
    expect(both.map((r) => r.status).sort()).toEqual(['RECORDING', 'SENDING']);
    expect(w.gate.refusals).toBeGreaterThan(0);
    expect(retried?.status).toBe('AWAITING_FUNDS');
    expect((await w.header(retried?.batchId ?? '')).funds).toEqual({
      available: 5_000,
      inFlight: 3_500,
      needed: 3_500,
      checkedAt: w.clock.now().toISOString(),
    });
    const gone = both.find((r) => r.status === 'SENDING')?.batchId;
    expect(w.sends.queued).toEqual([`${gone}-0`, `${gone}-1`]);
  });
});
