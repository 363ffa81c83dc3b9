/*
 * The breaker's item in memory (test/support/fakes/breaker.ts, what the unit tests use) and
 * BreakerRepository on dynalite, held to the same assertions: the whole item written only at the
 * version read, the outbox of transitions cleared oldest first and only by the id it holds, each
 * clear moving the version on, and a key apart from the caps' counters and the float's state.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimitsTable, type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamodb';
import { FloatStateRepository } from '../../lib/float/state-repository';
import { dayKey } from '../../lib/limits/caps';
import { DynamoCapLedger } from '../../lib/limits/repository';
import { afterFailure, afterProbe, type BreakerState, INITIAL_BREAKER } from '../../lib/paypro/breaker';
import type { BreakerStore } from '../../lib/paypro/breaker-gate';
import { BreakerRepository } from '../../lib/paypro/breaker-repository';
import { dynaliteDocumentClient } from '../support/dynalite-client';
import { InMemoryBreakerStore, TEST_BREAKER_SETTINGS } from '../support/fakes/breaker';

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
  const name = `breaker-contract-${tables}`;
  await createLimitsTable(dynamo.url, name);
  return name;
}

const T0 = '2026-12-01T07:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1_000);

/** The item after `failures` unavailability failures at T0, as SharedBreaker would write it. */
function failed(state: BreakerState, failures: number): BreakerState {
  let next = state;
  for (let i = 0; i < failures; i += 1) {
    next = afterFailure(next, at(0), "HTTP 503 without Paypro's envelope", TEST_BREAKER_SETTINGS) ?? next;
  }
  return next;
}

/** Writes `next` at the version of what the store holds now. */
async function advance(
  store: BreakerStore,
  next: (state: BreakerState) => BreakerState,
): Promise<BreakerState> {
  const current = await store.read();
  const written = next(current);
  expect(await store.write(current.version, written)).toBe(true);
  return written;
}

describe.each([
  ['the in-memory BreakerStore', async (): Promise<BreakerStore> => new InMemoryBreakerStore()],
  [
    'BreakerRepository on dynalite',
    async (): Promise<BreakerStore> => new BreakerRepository(client, await limitsTable()),
  ],
])('%s', (_name, open) => {
  it('reads a closed breaker with no failures before the first write', async () => {
    const store = await open();

    expect(await store.read()).toEqual(INITIAL_BREAKER);
  });

  it('writes the whole item only at the version it holds', async () => {
    // Prepare
    const store = await open();
    const one = failed(INITIAL_BREAKER, 1);
    const two = failed(one, 1);

    // Act
    const first = await store.write(0, one);
    const staleFirst = await store.write(0, two);
    const second = await store.write(1, two);
    const staleSecond = await store.write(1, failed(two, 1));

    // Assess
    expect([first, staleFirst, second, staleSecond]).toEqual([true, false, true, false]);
    expect(await store.read()).toEqual(two);
  });

  it('keeps an open breaker and its unpublished transition as written', async () => {
    // Prepare
    const store = await open();

    // Act
    const opened = await advance(store, (state) => failed(state, 5));

    // Assess
    expect(opened.status).toBe('open');
    expect(await store.read()).toEqual(opened);
    expect((await store.read()).pending).toEqual([
      {
        eventId: 'paypro:5',
        type: 'Paypro Unavailable',
        occurredAt: T0,
        since: T0,
        failure: "HTTP 503 without Paypro's envelope",
      },
    ]);
  });

  it('clears only the oldest transition, only by its id, and moves the version on each time', async () => {
    // Prepare: an Unavailable and a Restored, neither published.
    const store = await open();
    await advance(store, (state) => failed(state, 5));
    const restored = await advance(store, (state) => afterProbe(state, at(15), { ok: true }) ?? state);
    const [unavailable, back] = restored.pending ?? [];

    // Act
    const newestFirst = await store.clearPending(back?.eventId ?? '');
    const oldest = await store.clearPending(unavailable?.eventId ?? '');
    const oldestAgain = await store.clearPending(unavailable?.eventId ?? '');
    const afterOne = await store.read();
    const newest = await store.clearPending(back?.eventId ?? '');

    // Assess
    expect([newestFirst, oldest, oldestAgain, newest]).toEqual([false, true, false, true]);
    expect(afterOne.pending).toEqual([back]);
    expect(afterOne.version).toBe(restored.version + 1);
    expect(await store.read()).toEqual({ ...restored, version: restored.version + 2, pending: [] });
  });

  it('lets one publisher at a time claim the oldest transition, until its claim expires or it clears it', async () => {
    // Prepare: an Unavailable and a Restored, neither published.
    const store = await open();
    await advance(store, (state) => failed(state, 5));
    const restored = await advance(store, (state) => afterProbe(state, at(15), { ok: true }) ?? state);
    const [unavailable, back] = restored.pending ?? [];
    const id = unavailable?.eventId ?? '';

    // Act
    const newest = await store.claimPublication(
      back?.eventId ?? '',
      at(20).toISOString(),
      at(50).toISOString(),
    );
    const first = await store.claimPublication(id, at(20).toISOString(), at(50).toISOString());
    const whileHeld = await store.claimPublication(id, at(49).toISOString(), at(79).toISOString());
    const claimed = await store.read();
    const afterExpiry = await store.claimPublication(id, at(50).toISOString(), at(80).toISOString());
    const cleared = await store.clearPending(id);
    const next = await store.claimPublication(
      back?.eventId ?? '',
      at(51).toISOString(),
      at(81).toISOString(),
    );

    // Assess
    expect([newest, first, whileHeld, afterExpiry, cleared, next]).toEqual([
      false,
      true,
      false,
      true,
      true,
      true,
    ]);
    expect(claimed.publishing).toEqual({ eventId: id, until: at(50).toISOString() });
    expect(claimed.version).toBe(restored.version + 1);
    expect(await store.read()).toEqual({
      ...restored,
      version: restored.version + 4,
      pending: [back],
      publishing: { eventId: back?.eventId, until: at(81).toISOString() },
    });
  });

  it('keeps a claim through a sender’s write, and drops it with the transition it is on', async () => {
    // Prepare: a publisher holds the Unavailable's publication.
    const store = await open();
    const opened = await advance(store, (state) => failed(state, 5));
    const id = opened.pending?.[0]?.eventId ?? '';
    await store.claimPublication(id, at(1).toISOString(), at(31).toISOString());

    // Act: the prober's probe claim (a whole-item write), then the clear.
    const probed = await advance(store, (state) => ({
      ...state,
      version: state.version + 1,
      probeAt: at(15).toISOString(),
    }));
    await store.clearPending(id);

    // Assess
    expect(probed.publishing).toEqual({ eventId: id, until: at(31).toISOString() });
    expect((await store.read()).publishing).toBeUndefined();
  });

  it('refuses a write made on a read from before a clear, so a published transition never comes back', async () => {
    // Prepare
    const store = await open();
    const opened = await advance(store, (state) => failed(state, 5));
    await store.clearPending(opened.pending?.[0]?.eventId ?? '');

    // Act
    const stale = await store.write(opened.version, {
      ...opened,
      lastFailure: 'connection failed (ECONNRESET)',
    });

    // Assess
    expect(stale).toBe(false);
    expect((await store.read()).pending).toEqual([]);
  });

  it('clears nothing when there is no item', async () => {
    const store = await open();

    expect(await store.clearPending('paypro:1')).toBe(false);
    expect(await store.read()).toEqual(INITIAL_BREAKER);
  });
});

describe('BreakerRepository in the limits table', () => {
  it('shares the table with the caps’ counters and the float’s state without touching them', async () => {
    // Prepare
    const table = await limitsTable();
    const caps = new DynamoCapLedger(client, table);
    const float = new FloatStateRepository(client, table);
    const breaker = new BreakerRepository(client, table);
    await caps.tryAdd(
      dayKey('2026-12-01'),
      { amount: 500, count: 1 },
      { amount: 1_000, count: 10 },
      2_000_000_000,
    );
    await float.record(0, { level: 'ok', lastCheckAt: T0 });

    // Act
    await advance(breaker, (state) => failed(state, 5));

    // Assess
    expect(await caps.read(dayKey('2026-12-01'))).toEqual({ amount: 500, count: 1 });
    expect(await float.read()).toEqual({ version: 1, level: 'ok', lastCheckAt: T0 });
    expect((await breaker.read()).status).toBe('open');
  });
});
