/*
 * The float monitor's state item in memory (test/support/fakes/float-state.ts, what the unit
 * tests use) and FloatStateRepository on dynalite, held to the same assertions: the versioned
 * conditional write that records a check with its crossing's event, the event's clearing, the
 * requests for a check at once, and a key apart from the caps' counters.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimitsTable, type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamodb';
import { floatEvent } from '../../lib/float/events';
import type { FloatStateStore } from '../../lib/float/state';
import { FloatStateRepository } from '../../lib/float/state-repository';
import { dayKey } from '../../lib/limits/caps';
import { DynamoCapLedger } from '../../lib/limits/repository';
import { dynaliteDocumentClient } from '../support/dynalite-client';
import { InMemoryFloatState } from '../support/fakes/float-state';

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

async function limitsTable(): Promise<string> {
  tables += 1;
  const name = `float-contract-${tables}`;
  await createLimitsTable(dynamo.url, name);
  return name;
}

const T0 = '2026-11-30T06:00:00.000Z';
const T1 = '2026-11-30T06:05:00.000Z';
const T2 = '2026-11-30T06:06:00.000Z';
const reading = {
  available: 5_000,
  frozen: 10,
  unsettled: 20,
  inFlight: 300,
  watermark: 100_000,
  readAt: T1,
};
const low = floatEvent('Float Low', 2, reading, 'ok', 'low', T1);

describe.each([
  ['the in-memory FloatStateStore', async (): Promise<FloatStateStore> => new InMemoryFloatState()],
  [
    'FloatStateRepository on dynalite',
    async (): Promise<FloatStateStore> => new FloatStateRepository(client, await limitsTable()),
  ],
])('%s', (_name, open) => {
  it('reads version 0 and nothing else before the first check', async () => {
    const state = await open();

    expect(await state.read()).toEqual({ version: 0 });
  });

  it('records a check only at the version it read, keeping the crossing’s event until it is cleared', async () => {
    // Prepare
    const state = await open();

    // Act
    const first = await state.record(0, { level: 'ok', lastCheckAt: T0 });
    const stale = await state.record(0, { level: 'low', lastCheckAt: T1 });
    const second = await state.record(1, { level: 'low', lastCheckAt: T1, pending: low });
    const withEvent = await state.read();
    const wrongClear = await state.clearPending('float:1');
    const cleared = await state.clearPending('float:2');
    const clearedAgain = await state.clearPending('float:2');

    // Assess
    expect([first, stale, second]).toEqual([true, false, true]);
    expect(withEvent).toEqual({ version: 2, level: 'low', lastCheckAt: T1, pending: low });
    expect([wrongClear, cleared, clearedAgain]).toEqual([false, true, false]);
    expect(await state.read()).toEqual({ version: 2, level: 'low', lastCheckAt: T1 });
  });

  it('leaves an unpublished event in place when a check without a crossing is recorded', async () => {
    // Prepare
    const state = await open();
    await state.record(0, { level: 'low', lastCheckAt: T0, pending: low });

    // Act
    await state.record(1, { level: 'low', lastCheckAt: T1 });

    // Assess
    expect(await state.read()).toEqual({ version: 2, level: 'low', lastCheckAt: T1, pending: low });
  });

  it('keeps the latest request for a check, before or after the first check, and never an older one', async () => {
    // Prepare
    const state = await open();

    // Act
    await state.requestCheck(T1, 'payout a refused: insufficient funds');
    await state.requestCheck(T0, 'payout b refused: insufficient funds');
    const beforeFirst = await state.read();
    const recorded = await state.record(0, { level: 'ok', lastCheckAt: T0 });
    await state.requestCheck(T2, 'payout c refused: insufficient funds');

    // Assess
    expect(beforeFirst).toEqual({
      version: 0,
      checkRequestedAt: T1,
      checkReason: 'payout a refused: insufficient funds',
    });
    expect(recorded).toBe(true);
    expect(await state.read()).toEqual({
      version: 1,
      level: 'ok',
      lastCheckAt: T0,
      checkRequestedAt: T2,
      checkReason: 'payout c refused: insufficient funds',
    });
  });
});

describe('FloatStateRepository in the limits table', () => {
  it('shares the table with the caps’ counters without touching them', async () => {
    // Prepare
    const table = await limitsTable();
    const caps = new DynamoCapLedger(client, table);
    const state = new FloatStateRepository(client, table);
    await caps.tryAdd(
      dayKey('2026-11-30'),
      { amount: 500, count: 1 },
      { amount: 1_000, count: 10 },
      2_000_000_000,
    );

    // Act
    await state.record(0, { level: 'low', lastCheckAt: T0, pending: low });

    // Assess
    expect(await caps.read(dayKey('2026-11-30'))).toEqual({ amount: 500, count: 1 });
    expect((await state.read()).version).toBe(1);
  });
});
