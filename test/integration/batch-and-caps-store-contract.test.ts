/*
 * The in-memory batch store and cap ledger the unit tests use (test/support/fakes), held to the
 * same assertions as BatchRepository and DynamoCapLedger on dynalite: the header's conditional
 * writes, lease and outbox; the counters' limits, marks and take-backs.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBatchesTable,
  createLimitsTable,
  type LocalDynamo,
  startLocalDynamo,
} from '../../infra/local/dynamodb';
import type { BatchRecord } from '../../lib/batches/batch';
import { batchEvent } from '../../lib/batches/events';
import { DynamoFundsGate } from '../../lib/batches/funds-gate-repository';
import { BatchRepository } from '../../lib/batches/repository';
import type { BatchStore } from '../../lib/batches/store';
import type { FundsGate } from '../../lib/float/funds-gate';
import { DynamoCapLedger } from '../../lib/limits/repository';
import type { BatchCapLedger } from '../../lib/limits/store';
import { dynaliteDocumentClient } from '../support/dynalite-client';
import { InMemoryBatchStore } from '../support/fakes/batch-store';
import { InMemoryCapLedger } from '../support/fakes/cap-ledger';
import { InMemoryFundsGate } from '../support/fakes/funds-gate';

let dynamo: LocalDynamo;
let client: DynamoDBDocumentClient;
let tables = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  client = dynaliteDocumentClient(dynamo.url);
});
afterAll(async () => {
  await dynamo?.close();
});

async function batchesOnDynalite(): Promise<BatchStore> {
  tables += 1;
  const name = `batches-contract-${tables}`;
  await createBatchesTable(dynamo.url, name);
  return new BatchRepository(client, name);
}

async function capsOnDynalite(): Promise<BatchCapLedger> {
  tables += 1;
  const name = `limits-contract-${tables}`;
  await createLimitsTable(dynamo.url, name);
  return new DynamoCapLedger(client, name);
}

const T0 = '2026-11-24T07:00:00.000Z';
const T1 = '2026-11-24T07:01:00.000Z';
const T2 = '2026-11-24T07:02:00.000Z';

function received(batchId: string, createdAt = T0): BatchRecord {
  return {
    batchId,
    requestHash: `hash-${batchId}`,
    itemCount: 2,
    totalAmount: 3000,
    status: 'RECEIVED',
    createdAt,
    updatedAt: createdAt,
    capDay: '2026-11-24',
    nextStepAt: T1,
  };
}

describe.each([
  ['the in-memory BatchStore', async (): Promise<BatchStore> => new InMemoryBatchStore()],
  ['BatchRepository on dynalite', batchesOnDynalite],
])('%s', (_name, open) => {
  it('creates a header once, and applies a change only when its status, expectations and event version hold', async () => {
    // Prepare
    const batches = await open();
    const header = received('b-1');
    const after = { ...header, lineRows: 1, updatedAt: T1 };
    const event = batchEvent(header, after, T1);

    // Act
    const created = [await batches.create(header), await batches.create({ ...header, itemCount: 9 })];
    const wrongStatus = await batches.update('b-1', { from: ['SENDING'], set: { lineRows: 1 } });
    const changed = await batches.update('b-1', {
      from: ['RECEIVED'],
      expect: { lineRows: undefined },
      set: { lineRows: 1, updatedAt: T1 },
      ...(event && { event }),
    });
    const again = await batches.update('b-1', {
      from: ['RECEIVED'],
      expect: { lineRows: undefined },
      set: { lineRows: 2 },
    });
    const missing = await batches.update('b-missing', { set: { lineRows: 1 } });
    const removed = await batches.update('b-1', { remove: ['nextStepAt'] });

    // Assess
    expect(created).toEqual([true, false]);
    expect([wrongStatus, again, missing]).toEqual([undefined, undefined, undefined]);
    expect(changed).toEqual({ ...after, version: 1 });
    const { nextStepAt: _dropped, ...withoutStep } = { ...after, version: 1 };
    expect(removed).toEqual(withoutStep);
    expect(await batches.get('b-1')).toEqual(withoutStep);
    expect((await batches.readOutbox('b-1')).map((e) => e.eventId)).toEqual(['batch:b-1:1']);
  });

  it('leases a batch to one run at a time until the lease expires or is released', async () => {
    // Prepare
    const batches = await open();
    await batches.create(received('b-2'));

    // Act
    const first = await batches.acquireLease('b-2', 'run-a', T1, T0);
    const other = await batches.acquireLease('b-2', 'run-b', T1, T0);
    const underLease = await batches.update('b-2', { lease: 'run-b', set: { updatedAt: T1 } });
    const afterExpiry = await batches.acquireLease('b-2', 'run-b', T2, '2026-11-24T07:01:30.000Z');
    await batches.releaseLease('b-2', 'run-a');
    const stillHeld = await batches.acquireLease('b-2', 'run-c', T2, '2026-11-24T07:01:30.000Z');
    await batches.releaseLease('b-2', 'run-b');
    const free = await batches.acquireLease('b-2', 'run-c', T2, '2026-11-24T07:01:30.000Z');

    // Assess
    expect(first).toEqual({ ...received('b-2'), nextStepAt: T1 });
    expect([other, underLease, stillHeld]).toEqual([undefined, undefined, undefined]);
    expect(afterExpiry).toEqual({ ...received('b-2'), nextStepAt: T2 });
    expect(free).toEqual({ ...received('b-2'), nextStepAt: T2 });
  });

  it('keeps lines in rows and what recording found on each, and clears the outbox only of exactly what was read', async () => {
    // Prepare
    const batches = await open();
    const header = received('b-3');
    await batches.create(header);
    const lines = [
      { tradeNo: 'l-0', amount: 1000, mobile: '254712345678' },
      { tradeNo: 'l-1', amount: 2000, mobile: '254722000111', remark: 'bonus' },
    ];
    const accepted = batchEvent(header, { ...header, lineRows: 1 }, T1);
    await batches.update('b-3', { set: { lineRows: 1 }, ...(accepted && { event: accepted }) });

    // Act
    const rowCount = await batches.putLines('b-3', lines);
    await batches.markRow('b-3', 0, [{ index: 1, reason: 'taken' }], [0]);
    const tooFew = await batches.clearOutbox('b-3', 0);
    const cleared = await batches.clearOutbox('b-3', 1);
    const clearedTwice = await batches.clearOutbox('b-3', 1);

    // Assess
    expect(rowCount).toBe(1);
    expect(await batches.rows('b-3')).toEqual([
      { row: 0, first: 0, lines, rejected: [{ index: 1, reason: 'taken' }], adopted: [0] },
    ]);
    expect([tooFew, cleared, clearedTwice]).toEqual([false, true, false]);
    expect(await batches.readOutbox('b-3')).toEqual([]);
  });

  it('lists headers by status, newest first, only those with a step due when asked', async () => {
    // Prepare
    const batches = await open();
    await batches.create(received('b-4', T0));
    await batches.create({ ...received('b-5', T1), nextStepAt: T2 });
    await batches.create({ ...received('b-6', T2), status: 'SENDING' });

    // Act
    const all = await batches.listByStatus('RECEIVED', { limit: 10 });
    const due = await batches.listByStatus('RECEIVED', { limit: 10, dueBy: T1 });

    // Assess
    expect(all.records.map((r) => r.batchId)).toEqual(['b-5', 'b-4']);
    expect(due.records.map((r) => r.batchId)).toEqual(['b-4']);
  });
});

describe.each([
  ['the in-memory cap ledger', async (): Promise<BatchCapLedger> => new InMemoryCapLedger()],
  ['DynamoCapLedger on dynalite', capsOnDynalite],
])('%s', (_name, open) => {
  const limit = { amount: 5000, count: 2 };

  it('adds to a counter only within its limits, and takes back only what it holds', async () => {
    // Prepare
    const caps = await open();

    // Act
    const added = [
      await caps.tryAdd('DAY#1', { amount: 3000, count: 1 }, limit, 1),
      await caps.tryAdd('DAY#1', { amount: 3000, count: 1 }, limit, 1),
      await caps.tryAdd('DAY#1', { amount: 2000, count: 1 }, limit, 1),
      await caps.tryAdd('DAY#1', { amount: 0, count: 1 }, limit, 1),
      await caps.tryAdd('DAY#2', { amount: 6000, count: 1 }, limit, 1),
    ];
    const taken = [
      await caps.subtract('DAY#1', { amount: 6000, count: 1 }),
      await caps.subtract('DAY#1', { amount: 2000, count: 1 }),
      await caps.subtract('DAY#never', { amount: 0, count: 0 }),
    ];

    // Assess
    expect(added).toEqual([true, false, true, false, false]);
    expect(taken).toEqual([false, true, false]);
    expect(await caps.read('DAY#1')).toEqual({ amount: 3000, count: 1 });
    expect(await caps.read('DAY#2')).toEqual({ amount: 0, count: 0 });
  });

  it('reserves once per mark, and gives back by mark once', async () => {
    // Prepare
    const caps = await open();

    // Act
    const reserved = [
      await caps.tryAddMarked('DAY#1', { amount: 1000, count: 1 }, limit, 1, 'batch-a'),
      await caps.tryAddMarked('DAY#1', { amount: 1000, count: 1 }, limit, 1, 'batch-a'),
      await caps.tryAddMarked('DAY#1', { amount: 500, count: 1 }, limit, 1, 'batch-b'),
    ];
    const settled = [
      await caps.subtractMarked(
        'DAY#1',
        { amount: 200, count: 0 },
        { requires: 'batch-a', adds: 'batch-a#settled' },
      ),
      await caps.subtractMarked(
        'DAY#1',
        { amount: 200, count: 0 },
        { requires: 'batch-a', adds: 'batch-a#settled' },
      ),
      await caps.subtractMarked(
        'DAY#1',
        { amount: 500, count: 1 },
        { requires: 'batch-c', removes: ['batch-c'] },
      ),
      await caps.subtractMarked(
        'DAY#1',
        { amount: 500, count: 1 },
        { requires: 'batch-b', removes: ['batch-b'] },
      ),
    ];
    await caps.removeMarks('DAY#1', ['batch-a', 'batch-a#settled']);
    await caps.removeMarks('DAY#never', ['batch-a']);

    // Assess
    expect(reserved).toEqual([true, false, true]);
    expect(settled).toEqual([true, false, false, true]);
    expect(await caps.read('DAY#1')).toEqual({ amount: 800, count: 1 });
    expect(await caps.read('DAY#never')).toEqual({ amount: 0, count: 0 });
  });
});

async function gateOnDynalite(): Promise<{ gate: FundsGate; batches?: BatchStore }> {
  tables += 1;
  const name = `batches-gate-contract-${tables}`;
  await createBatchesTable(dynamo.url, name);
  return { gate: new DynamoFundsGate(client, name), batches: new BatchRepository(client, name) };
}

describe.each([
  [
    'the in-memory FundsGate',
    async (): Promise<{ gate: FundsGate; batches?: BatchStore }> => ({
      gate: new InMemoryFundsGate(),
    }),
  ],
  ['DynamoFundsGate on dynalite', gateOnDynalite],
])('%s', (_name, open) => {
  it('lets one funds decision through at a time, until it is given up, held a moment longer, or expired', async () => {
    // Prepare
    const { gate, batches } = await open();

    // Act
    const first = await gate.acquire('run-a', T1, T0);
    const other = await gate.acquire('run-b', T1, T0);
    await gate.release('run-b');
    const stillHeld = await gate.acquire('run-b', T1, T0);
    await gate.release('run-a');
    const free = await gate.acquire('run-b', T1, T0);
    await gate.release('run-b', T2);
    const held = await gate.acquire('run-c', T2, '2026-11-24T07:01:30.000Z');
    const afterHold = await gate.acquire('run-c', T2, '2026-11-24T07:02:00.001Z');
    const listed = await batches?.listByStatus('RECEIVED', { limit: 10 });

    // Assess
    expect([first, other, stillHeld, free, held, afterHold]).toEqual([true, false, false, true, false, true]);
    expect(listed?.records ?? []).toEqual([]);
  });
});
