import { describe, expect, it } from 'vitest';
import { EventBusUnavailableError } from '../../../../lib/errors';
import {
  type PublishDeps,
  publishChanged,
  publishPending,
  sweepOutbox,
} from '../../../../lib/events/publish';
import { statusChanged } from '../../../../lib/payouts/events';
import type { Payout, PayoutStatus } from '../../../../lib/payouts/payout';
import { RecordingBus } from '../../../support/fakes/event-bus';
import { countingCounter, manualClock, silentLog } from '../../../support/fakes/observability';
import { InMemoryPayoutStore } from '../../../support/fakes/payout-store';

const T0 = '2026-11-24T07:00:00.000Z';
const T1 = '2026-11-24T07:00:05.000Z';

function pending(tradeNo: string): Payout {
  return {
    tradeNo,
    amount: 1500,
    mobile: '254712345678',
    status: 'PENDING',
    requestHash: `hash-${tradeNo}`,
    paypro: {},
    createdAt: T0,
    updatedAt: T0,
    history: [{ at: T0, source: 'api', status: 'PENDING', note: 'payout requested' }],
  };
}

/** Records `tradeNo` and moves it through `steps` at `at`, each move committing its event. */
async function moved(
  store: InMemoryPayoutStore,
  tradeNo: string,
  steps: Array<Exclude<PayoutStatus, 'PENDING'>>,
) {
  let payout = pending(tradeNo);
  await store.create(payout, T1);
  for (const to of steps) {
    const after = { ...payout, status: to, updatedAt: T0 };
    payout = await store.transition(tradeNo, {
      to,
      at: T0,
      entry: { at: T0, source: 'query', status: to },
      event: statusChanged(payout, after, T0),
    });
  }
}

function world() {
  const store = new InMemoryPayoutStore();
  const bus = new RecordingBus();
  const clock = manualClock(T1);
  const deps: PublishDeps = {
    repository: store,
    bus,
    log: silentLog,
    counter: countingCounter(),
    now: clock.now,
  };
  return { store, bus, clock, deps };
}

const idsOf = (events: ReadonlyArray<{ detail: object }>) =>
  events.map((event) => (event.detail as { eventId: string }).eventId);

describe('publishPending', () => {
  it('publishes each event of the outbox once, oldest version first, then empties it', async () => {
    // Prepare
    const w = world();
    await moved(w.store, 'e-1', ['PROCESSING', 'SUCCEEDED']);

    // Act
    const first = await publishPending(w.deps, 'e-1');
    const second = await publishPending(w.deps, 'e-1');

    // Assess
    expect([first, second]).toEqual([2, 0]);
    expect(w.bus.published.map((e) => e.type)).toEqual(['Payout Processing', 'Payout Succeeded']);
    expect(idsOf(w.bus.published)).toEqual(['e-1:1', 'e-1:2']);
    expect(await w.store.readOutbox('e-1')).toEqual([]);
  });

  it('leaves the events in the outbox when the bus refuses them, and publishes them on the next try', async () => {
    // Prepare
    const w = world();
    await moved(w.store, 'e-2', ['FAILED']);
    w.bus.refuseNext();

    // Act
    const refused = await publishPending(w.deps, 'e-2').catch((e: unknown) => e);
    const kept = await w.store.readOutbox('e-2');
    const retried = await publishPending(w.deps, 'e-2');

    // Assess
    expect(refused).toBeInstanceOf(EventBusUnavailableError);
    expect(idsOf(kept)).toEqual(['e-2:1']);
    expect(retried).toBe(1);
    expect(idsOf(w.bus.published)).toEqual(['e-2:1']);
    expect(await w.store.readOutbox('e-2')).toEqual([]);
  });
});

describe('publishChanged', () => {
  it('publishes the outboxes a stream batch names, once each, and counts the one the bus refused without throwing', async () => {
    // Prepare
    const w = world();
    await moved(w.store, 'e-3', ['PROCESSING']);
    await moved(w.store, 'e-4', ['PROCESSING']);
    w.bus.refuseNext();

    // Act
    const summary = await publishChanged(w.deps, ['e-3', 'e-4', 'e-3']);

    // Assess
    expect(summary).toEqual({ payouts: 1, events: 1, failed: 1 });
    expect(w.bus.published).toHaveLength(1);
  });
});

describe('sweepOutbox', () => {
  it('publishes what waited at least the minimum age, including what a refused publication left', async () => {
    // Prepare
    const w = world();
    await moved(w.store, 'e-5', ['PROCESSING', 'SUCCEEDED']);
    await moved(w.store, 'e-6', ['FAILED']);
    w.bus.refuseNext();
    const changed = await publishChanged(w.deps, ['e-5', 'e-6']);
    const tooSoon = await sweepOutbox(w.deps, 60_000);
    w.clock.advance(60_000);

    // Act
    const swept = await sweepOutbox(w.deps, 60_000);

    // Assess
    expect(changed.failed).toBe(1);
    expect(tooSoon).toEqual({ payouts: 0, events: 0, failed: 0 });
    expect(swept).toEqual({ payouts: 1, events: 3 - changed.events, failed: 0 });
    expect(idsOf(w.bus.published).sort()).toEqual(['e-5:1', 'e-5:2', 'e-6:1']);
    expect([await w.store.readOutbox('e-5'), await w.store.readOutbox('e-6')]).toEqual([[], []]);
  });
});
