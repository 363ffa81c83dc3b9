import { type AdvanceDeps, advanceBatch } from '../../../lib/batches/advance';
import type { BatchRecord } from '../../../lib/batches/batch';
import type { DecideDeps } from '../../../lib/batches/decide';
import type { BatchEventDetail } from '../../../lib/batches/events';
import { StoredInFlight } from '../../../lib/batches/in-flight-reader';
import type { IntakeDeps } from '../../../lib/batches/intake';
import type { BatchRequest } from '../../../lib/batches/schema';
import type { StepContext } from '../../../lib/batches/steps';
import type { DailyCaps } from '../../../lib/limits/caps';
import { InMemoryBatchStore } from './batch-store';
import { InMemoryCapLedger } from './cap-ledger';
import { RecordingBus } from './event-bus';
import { InMemoryFundsGate } from './funds-gate';
import { countingCounter, manualClock, recordingLog } from './observability';
import { InMemoryPayoutStore } from './payout-store';
import { ROOMY_CAPS } from './payout-world';
import { FakePaypro } from './paypro';
import { RecordingSendQueue, RecordingStepQueue } from './queues';
import { FAKE_SECRET } from './secrets';

/** A batch of one item per amount, tradeNos `<batchId>-<i>`, each to its own mobile. */
export const batchRequest = (batchId: string, amounts: number[]): BatchRequest => ({
  batchId,
  items: amounts.map((amount, i) => ({
    tradeNo: `${batchId}-${i}`,
    amount,
    mobile: `2547120${String(i).padStart(5, '0')}`,
  })),
});

/** Options of a batch world: the float's balance, the caps, the approval threshold, the start. */
export interface BatchWorldOptions {
  balance?: number;
  dailyCaps?: DailyCaps;
  approvalAboveAmount?: number;
  start?: string;
}

/**
 * Everything the batch use cases need, in memory: the batches and payouts tables, the caps'
 * counters, both queues, the event bus, the funds gate and Paypro's float, and a clock the test
 * moves. `intake`, `decide` and `advance` are the deps of acceptBatch, approve/cancel and the steps.
 */
export function batchWorld(options: BatchWorldOptions = {}) {
  const batches = new InMemoryBatchStore();
  const caps = new InMemoryCapLedger();
  const payouts = new InMemoryPayoutStore();
  const sends = new RecordingSendQueue();
  const steps = new RecordingStepQueue();
  const bus = new RecordingBus();
  const gate = new InMemoryFundsGate();
  const float = new FakePaypro().setBalance(options.balance ?? 100_000_000);
  const clock = manualClock(options.start ?? '2026-11-30T07:00:00.000Z');
  const log = recordingLog();
  const counter = countingCounter();
  const dailyCaps = options.dailyCaps ?? ROOMY_CAPS;
  const common = { batches, caps, steps, counter, log, now: clock.now };
  const intake: IntakeDeps = {
    ...common,
    dailyCaps,
    ...(options.approvalAboveAmount !== undefined && { approvalAboveAmount: options.approvalAboveAmount }),
  };
  const decide: DecideDeps = { batches, steps, counter, log, now: clock.now };
  const advance: AdvanceDeps = {
    ...common,
    payouts,
    sends,
    bus,
    dailyCaps,
    approvalTtlMs: 24 * 3_600_000,
    checkIntervalMs: 60_000,
    leaseMs: 180_000,
    funds: {
      float,
      credentials: async () => FAKE_SECRET,
      inFlight: new StoredInFlight({ payouts, batchPayouts: payouts, batches }),
      gate,
    },
    fundsRecheckMs: 300_000,
  };
  const run = (batchId: string) => advanceBatch(advance, batchId, () => 100_000);
  const header = async (batchId: string) => (await batches.get(batchId)) as BatchRecord;
  /** A step's context on the header as stored now, writing without a lease (no run holds one). */
  const context = async (batchId: string): Promise<StepContext> => ({
    record: await header(batchId),
    write: (change) => batches.update(batchId, change),
  });
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
    counter,
    intake,
    decide,
    advance,
    run,
    header,
    context,
    eventsOf,
  };
}

/** A batch world, as batchWorld builds it. */
export type BatchWorld = ReturnType<typeof batchWorld>;
