import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayoutHandler } from '../../functions/create-payout';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { type AdvanceDeps, advanceBatch } from '../../lib/batches/advance';
import { DynamoBatchPayouts } from '../../lib/batches/batch-payouts';
import { DynamoFundsGate } from '../../lib/batches/funds-gate-repository';
import { acceptBatch, type IntakeDeps } from '../../lib/batches/intake';
import { BatchRepository } from '../../lib/batches/repository';
import { parseBatchRequest } from '../../lib/batches/schema';
import { type DailyCaps, dayKey, recipientKey } from '../../lib/limits/caps';
import { DynamoCapLedger } from '../../lib/limits/repository';
import { createDocumentClient } from '../../lib/wiring/tables';
import { startBatchFunctions } from '../support/batch-stack';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack, TEST_SECRET } from '../support/stack';
import { until } from '../support/wait';

let stack: Awaited<ReturnType<typeof startStack>>;
let batches: Awaited<ReturnType<typeof startBatchFunctions>>;
let seq = 0;

const ROOMY: DailyCaps = {
  dailyMaxAmount: 100_000_000,
  dailyMaxCount: 100_000,
  recipientDailyMaxAmount: 100_000_000,
  recipientDailyMaxCount: 100_000,
};
// Every test counts against a Kenya day of its own: the clock and caps the batch functions use.
const dailyCaps: DailyCaps = { ...ROOMY };
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
function onDay(day: string, caps: Partial<DailyCaps> = {}): void {
  offsetMs = Date.parse(`${day}T08:00:00Z`) - Date.now();
  Object.assign(dailyCaps, ROOMY, caps);
}

beforeAll(async () => {
  stack = await startStack({ PAYPRO_TIMEOUT_MS: '1000' }, { slowMs: 1_500, settleMs: 200 });
  stack.callbacks.accepting = true;
  batches = await startBatchFunctions(stack, { dailyCaps, now });
});
afterAll(async () => {
  await batches?.stop();
  await stack?.close();
});

function id(label: string): string {
  seq += 1;
  return `bc-${label}-${Date.now()}-${seq}`;
}

const line = (batch: string, i: number, mobile: string, amount: number) => ({
  tradeNo: `${batch}-${i}`,
  amount,
  mobile,
});
const capTotal = async (key: string) => {
  const { amount, count } = await stack.deps.caps.read(key);
  return { amount, count };
};
const NOTHING_IN_FLIGHT = {
  openPayouts: { count: 0, amount: 0 },
  queuedItems: { count: 0, amount: 0 },
  amount: 0,
};
const M1 = '254711000001';
const M2 = '254711000002';
const M3 = '254711000003';

describe('caps on a batch: reserved once, all or nothing, given back when nothing is sent', () => {
  it("refuses a batch over the day's count at intake with 422, storing and reserving nothing", async () => {
    // Prepare
    onDay('2032-01-01', { dailyMaxCount: 2 });
    const batch = id('day');
    const items = [line(batch, 0, M1, 100), line(batch, 1, M1, 100), line(batch, 2, M2, 100)];
    // Act
    const reply = await batches.post({ batchId: batch, items });
    // Assess
    expect(reply.statusCode).toBe(422);
    expect(bodyOf(reply)).toMatchObject({ cap: 'dailyCount', limit: 2, remaining: 2, day: '2032-01-01' });
    expect((await batches.get(batch)).statusCode).toBe(404);
    expect(await capTotal(dayKey('2032-01-01'))).toEqual({ amount: 0, count: 0 });
  });

  it("REJECTS a batch over a recipient's cap, naming the cap and every item concerned, and gives back all it took", async () => {
    // Prepare
    onDay('2032-01-02', { recipientDailyMaxAmount: 1_000 });
    const batch = id('recipient');
    const items = [line(batch, 0, M1, 300), line(batch, 1, M2, 600), line(batch, 2, M2, 600)];
    // Act
    expect((await batches.post({ batchId: batch, items })).statusCode).toBe(202);
    const view = await batches.settled(batch, ['REJECTED']);
    // Assess
    expect(view).toMatchObject({
      rejection: {
        cap: 'recipientDailyAmount',
        limit: 1_000,
        remaining: 1_000,
        day: '2032-01-02',
        problemCount: 2,
        errors: [
          {
            field: 'items[1].mobile',
            message:
              "this recipient's items would exceed the recipient's daily amount cap: limit 1000 KES, 1000 left",
          },
          {
            field: 'items[2].mobile',
            message:
              "this recipient's items would exceed the recipient's daily amount cap: limit 1000 KES, 1000 left",
          },
        ],
      },
      counts: { REJECTED: 3 },
      amounts: { REJECTED: 1_500 },
    });
    await until(
      () => capTotal(dayKey('2032-01-02')),
      (c) => c.count === 0,
    );
    expect(await capTotal(dayKey('2032-01-02'))).toEqual({ amount: 0, count: 0 });
    expect(await capTotal(recipientKey(M1, '2032-01-02'))).toEqual({ amount: 0, count: 0 });
    for (const item of items) expect(await stack.deps.repository.get(item.tradeNo)).toBeUndefined();
  });
});

describe('approval (maker-checker)', () => {
  it('holds a batch above the threshold in AWAITING_APPROVAL with nothing recorded; an approval records and sends it, keeping who, when and why', async () => {
    // Prepare
    onDay('2032-02-01');
    batches.intake.approvalAboveAmount = 150;
    const batch = id('approve');
    const items = [
      line(batch, 0, SANDBOX_MOBILES.succeeds, 100),
      line(batch, 1, SANDBOX_MOBILES.succeeds, 100),
    ];
    try {
      // Act
      expect((await batches.post({ batchId: batch, items })).statusCode).toBe(202);
      const waiting = await batches.settled(batch, ['AWAITING_APPROVAL']);
      const listed = bodyOf(await batches.list({ status: 'AWAITING_APPROVAL' })) as {
        batches: Array<{ batchId: string }>;
      };
      const recordedMeanwhile = await stack.deps.repository.get(items[0]?.tradeNo ?? '');
      const approved = await batches.approve(batch, { reason: 'payroll checked against HR export' });
      const again = await batches.approve(batch);
      const done = await batches.settled(batch, ['COMPLETED']);
      // Assess
      expect(waiting).toMatchObject({ approvalDeadline: expect.any(String), counts: { PENDING: 2 } });
      expect(listed.batches.map((b) => b.batchId)).toContain(batch);
      expect(recordedMeanwhile).toBeUndefined();
      expect(approved.statusCode).toBe(200);
      expect(bodyOf(approved)).toMatchObject({
        status: 'RECORDING',
        approval: {
          by: 'test-operator',
          at: expect.any(String),
          reason: 'payroll checked against HR export',
        },
      });
      expect(again.statusCode).toBe(409);
      expect(done).toMatchObject({ approval: { by: 'test-operator' }, counts: { SUCCEEDED: 2 } });
      for (const item of items) expect(stack.sandbox.payoutCalls(item.tradeNo)).toBe(1);
      const types = batches.published
        .filter((e) => (e.detail as { batchId?: string }).batchId === batch)
        .map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['Batch Accepted', 'Batch Awaiting Approval']));
    } finally {
      batches.intake.approvalAboveAmount = undefined;
    }
  }, 30_000);

  it("cancels a batch awaiting approval: nothing recorded or sent, its items CANCELLED, its caps' share given back", async () => {
    // Prepare
    onDay('2032-02-02');
    batches.intake.approvalAboveAmount = 150;
    const batch = id('cancel');
    const items = [line(batch, 0, M1, 100), line(batch, 1, M2, 100)];
    try {
      expect((await batches.post({ batchId: batch, items })).statusCode).toBe(202);
      await batches.settled(batch, ['AWAITING_APPROVAL']);
      const reserved = await capTotal(dayKey('2032-02-02'));
      // Act
      const noReason = await batches.cancel(batch, {});
      const cancelled = await batches.cancel(batch, { reason: 'wrong month' });
      const view = await batches.settled(batch, ['CANCELLED']);
      await until(
        () => capTotal(dayKey('2032-02-02')),
        (c) => c.count === 0,
      );
      const approveLate = await batches.approve(batch);
      // Assess
      expect(reserved).toEqual({ amount: 200, count: 2 });
      expect(noReason.statusCode).toBe(400);
      expect(bodyOf(noReason).errors).toEqual([{ field: 'reason', message: 'is required' }]);
      expect(cancelled.statusCode).toBe(200);
      expect(view).toMatchObject({
        cancellation: { by: 'test-operator', reason: 'wrong month' },
        counts: { CANCELLED: 2 },
        amounts: { CANCELLED: 200 },
      });
      expect(await capTotal(dayKey('2032-02-02'))).toEqual({ amount: 0, count: 0 });
      expect(await capTotal(recipientKey(M1, '2032-02-02'))).toEqual({ amount: 0, count: 0 });
      expect(approveLate.statusCode).toBe(409);
      for (const item of items) expect(stack.sandbox.payoutCalls(item.tradeNo)).toBe(0);
    } finally {
      batches.intake.approvalAboveAmount = undefined;
    }
  });

  it('cancels a batch not approved in time, and gives its share back', async () => {
    // Prepare
    onDay('2032-02-03');
    batches.intake.approvalAboveAmount = 150;
    batches.advance.approvalTtlMs = 300;
    const batch = id('expiry');
    try {
      expect(
        (await batches.post({ batchId: batch, items: [line(batch, 0, M1, 100), line(batch, 1, M1, 100)] }))
          .statusCode,
      ).toBe(202);
      await batches.settled(batch, ['AWAITING_APPROVAL', 'CANCELLED']);
      // Act: the wake-up finds it due once its time is over.
      await new Promise((resolve) => setTimeout(resolve, 400));
      await batches.wake();
      const view = await batches.settled(batch, ['CANCELLED']);
      await until(
        () => capTotal(dayKey('2032-02-03')),
        (c) => c.count === 0,
      );
      // Assess
      expect(view).toMatchObject({
        cancellation: { by: 'expiry', reason: expect.stringContaining('not approved') },
      });
      expect(await capTotal(dayKey('2032-02-03'))).toEqual({ amount: 0, count: 0 });
      expect(await capTotal(recipientKey(M1, '2032-02-03'))).toEqual({ amount: 0, count: 0 });
    } finally {
      batches.intake.approvalAboveAmount = undefined;
      batches.advance.approvalTtlMs = 24 * 60 * 60 * 1000;
    }
  });
});

/** A document client that answers normally for `writes` writes, then fails every call: a Lambda that died. */
function dyingClient(real: DynamoDBDocumentClient, writes: number) {
  let left = writes;
  const WRITES = /^(Put|Update|Delete|BatchWrite)/;
  return {
    send(command: { constructor: { name: string } }) {
      if (left <= 0) return Promise.reject(new Error('crashed'));
      if (WRITES.test(command.constructor.name)) left -= 1;
      return real.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
}

describe('a crash anywhere in a batch resumes without recording or reserving twice', () => {
  it('after every single write of the intake and of the recording, a resumed run ends with each payout once and every counter exact', async () => {
    const real = createDocumentClient();
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const quietQueue = { enqueue: async () => undefined, wake: async () => undefined };
    for (let writes = 0; writes <= 28; writes += 1) {
      // Prepare: a day of its own; a payout made alone holds one line's tradeNo with other content,
      // another is identical to a line (adopted).
      const day = `2033-01-${String(writes + 1).padStart(2, '0')}`;
      onDay(day);
      const batch = id(`crash-${writes}`);
      const lines = [
        line(batch, 0, M1, 100),
        line(batch, 1, M1, 150),
        line(batch, 2, M2, 200),
        line(batch, 3, M3, 250),
        line(batch, 4, M2, 300),
      ];
      const single = createPayoutHandler({ ...stack.deps, dailyCaps, now }, stack.config);
      for (const body of [{ ...lines[3], amount: 999 }, lines[4]]) {
        expect(
          ((await single(apiEvent({ body }), lambdaContext())) as { statusCode: number }).statusCode,
        ).toBe(201);
      }
      const request = parseBatchRequest({ batchId: batch, items: lines }, { min: 50, max: 250_000 });
      const depsOn = (client: DynamoDBDocumentClient, at: () => Date) => {
        const common = {
          batches: new BatchRepository(client, stack.config.payoutBatchesTable),
          caps: new DynamoCapLedger(client, stack.config.payoutLimitsTable),
          dailyCaps,
          counter: { count: () => undefined },
          log: silent,
          now: at,
        };
        const intake: IntakeDeps = { ...common, steps: quietQueue };
        const advance: AdvanceDeps = {
          ...common,
          payouts: new DynamoBatchPayouts(client, stack.config.payoutsTable),
          sends: quietQueue,
          steps: quietQueue,
          bus: { publish: async () => undefined },
          approvalTtlMs: 60_000,
          checkIntervalMs: 1_000,
          leaseMs: 180_000,
          // A float that always covers the batch; its gate is a write a run may die after too.
          funds: {
            float: { queryBalance: async () => ({ available: 1_000_000_000, frozen: 0, unsettled: 0 }) },
            credentials: async () => TEST_SECRET,
            inFlight: { read: async () => NOTHING_IN_FLIGHT },
            gate: new DynamoFundsGate(client, stack.config.payoutBatchesTable),
          },
          fundsRecheckMs: 60_000,
        };
        return { intake, advance };
      };
      // Act: a run that dies after `writes` writes, then (its lease long expired) the retried intake and runs until SENDING.
      const dying = depsOn(dyingClient(real, writes), now);
      try {
        await acceptBatch(dying.intake, request);
        await advanceBatch(dying.advance, batch, () => 100_000);
      } catch {
        // The crash.
      }
      const later = () => new Date(now().getTime() + 200_000);
      const healthy = depsOn(real, later);
      await acceptBatch(healthy.intake, request);
      let status = '';
      for (let run = 0; run < 10 && status !== 'SENDING'; run += 1) {
        status = (await advanceBatch(healthy.advance, batch, () => 100_000)).status;
      }
      // Assess: the payouts made alone hold their own shares; the batch holds exactly its three own lines.
      expect(status, `crash after ${writes} writes`).toBe('SENDING');
      expect(await capTotal(dayKey(day)), `crash after ${writes} writes`).toEqual({
        amount: 999 + 300 + 450,
        count: 5,
      });
      expect(await capTotal(recipientKey(M1, day)), `crash after ${writes} writes`).toEqual({
        amount: 250,
        count: 2,
      });
      expect(await capTotal(recipientKey(M2, day)), `crash after ${writes} writes`).toEqual({
        amount: 500,
        count: 2,
      });
      expect(await capTotal(recipientKey(M3, day)), `crash after ${writes} writes`).toEqual({
        amount: 999,
        count: 1,
      });
      const owned = await Promise.all(lines.map((l) => stack.deps.repository.get(l.tradeNo)));
      expect(owned.map((p) => p?.batchId === batch)).toEqual([true, true, true, false, true]);
    }
  }, 120_000);
});
