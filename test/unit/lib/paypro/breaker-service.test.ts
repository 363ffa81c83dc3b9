import { describe, expect, it } from 'vitest';
import type { BreakerState } from '../../../../lib/paypro/breaker';
import {
  PUBLISH_LEASE_MS,
  type ProbingBreakerDeps as SharedBreakerDeps,
} from '../../../../lib/paypro/breaker-prober';
import type { TransportFailure } from '../../../../lib/paypro/transport';
import {
  GATEWAY_503,
  InMemoryBreakerStore,
  inMemoryBreaker,
  RecordingBreakerEvents,
  ScriptedProbe,
} from '../../../support/fakes/breaker';
import { countingCounter, manualClock, recordingLog } from '../../../support/fakes/observability';

const T0 = '2026-12-01T07:00:00.000Z';
const SECOND = 1_000;
const REFUSED: TransportFailure = {
  class: 'not-taken-in',
  unavailable: true,
  rateLimited: false,
  detail: 'connection failed (ECONNREFUSED)',
};

/** An item another container writes to between this one's read and its write, once. */
class RacedStore extends InMemoryBreakerStore {
  private before: (() => Promise<void>) | undefined;

  /** Runs `other` just before the next write, as a container that wins the race would. */
  raceNextWrite(other: () => Promise<void>): void {
    this.before = other;
  }

  override async write(expectedVersion: number, next: BreakerState): Promise<boolean> {
    const other = this.before;
    this.before = undefined;
    if (other) await other();
    return super.write(expectedVersion, next);
  }
}

/** Two sender containers and the prober on one item, with the test's clock and a fixed draw for the ramp. */
function world(store = new InMemoryBreakerStore()) {
  const clock = manualClock(T0);
  const counter = countingCounter();
  const log = recordingLog();
  const events = new RecordingBreakerEvents();
  const probe = new ScriptedProbe(clock.now);
  let draw = 0.5;
  const common: Pick<SharedBreakerDeps, 'log' | 'counter' | 'now' | 'random'> & {
    store: InMemoryBreakerStore;
  } = { store, log, counter, now: clock.now, random: () => draw };
  const sender = inMemoryBreaker(common).breaker;
  const other = inMemoryBreaker(common).breaker;
  const prober = inMemoryBreaker({ ...common, events, probe: probe.call }).breaker;
  const fail = async (times: number, failure: TransportFailure = GATEWAY_503) => {
    for (let i = 0; i < times; i += 1) await sender.recordFailure(failure);
  };
  return {
    clock,
    counter,
    log,
    events,
    probe,
    store,
    sender,
    other,
    prober,
    fail,
    setDraw: (d: number) => {
      draw = d;
    },
  };
}

describe('SharedBreaker: when the item cannot be read or written', () => {
  it('admits the send and counts PayproBreakerStoreFailure, as sending without a breaker is safe', async () => {
    // Prepare
    const w = world();
    w.store.failNext(1);

    // Act
    const admission = await w.sender.admit();

    // Assess
    expect(admission).toEqual({ ok: true });
    expect(w.counter.counts.PayproBreakerStoreFailure).toBe(1);
    expect(w.log.lines).toEqual([
      {
        level: 'error',
        message: 'the breaker item could not be read or written; sends go on as if it were closed',
      },
    ]);
  });

  it('loses a failure it cannot record without throwing, and counts it', async () => {
    // Prepare
    const w = world();
    w.store.failNext(1);

    // Act
    await w.fail(1);

    // Assess
    expect(w.counter.counts.PayproBreakerStoreFailure).toBe(1);
    expect(w.store.peek().recentFailures).toEqual([]);
  });
});

describe('SharedBreaker: two containers at once', () => {
  it('tries a write that lost to another container again on a fresh read, so both failures count', async () => {
    // Prepare
    const w = world(new RacedStore());
    (w.store as RacedStore).raceNextWrite(() => w.other.recordFailure(REFUSED));

    // Act
    await w.sender.recordFailure(GATEWAY_503);

    // Assess
    expect(w.store.peek()).toMatchObject({ version: 2, status: 'closed', recentFailures: [T0, T0] });
  });

  it('opens once when the threshold is reached by failures from both at the same moments, with one transition', async () => {
    // Prepare
    const w = world();

    // Act: three times, both fail at once (six failures, the fifth opens it).
    for (let i = 0; i < 3; i += 1) {
      await Promise.all([w.sender.recordFailure(GATEWAY_503), w.other.recordFailure(REFUSED)]);
    }

    // Assess
    const item = w.store.peek();
    expect(item.status).toBe('open');
    expect(item.pending?.map((t) => t.type)).toEqual(['Paypro Unavailable']);
    expect(w.counter.counts.PayproUnavailable).toBe(1);
    expect(await w.other.admit()).toEqual({ ok: false, reason: 'open', since: T0 });
  });
});

describe('SharedBreaker: what counts', () => {
  it('never opens on answers Paypro gave, however many: an unreadable answer or a request to slow down', async () => {
    // Prepare
    const w = world();
    const slowDown: TransportFailure = {
      class: 'not-taken-in',
      unavailable: false,
      rateLimited: true,
      detail: 'Paypro asked to slow down',
    };

    // Act
    await w.fail(10, slowDown);

    // Assess
    expect(w.store.peek()).toMatchObject({ version: 0, status: 'closed' });
    expect(await w.sender.admit()).toEqual({ ok: true });
  });

  it('starts counting again after a call Paypro answered, and forgets failures older than the window', async () => {
    // Prepare
    const w = world();
    await w.fail(4);
    await w.sender.admit();
    await w.sender.recordSuccess();
    await w.fail(4);
    w.clock.advance(31 * SECOND);

    // Act
    await w.fail(4);

    // Assess
    expect(w.store.peek().status).toBe('closed');
    await w.fail(1);
    expect(w.store.peek().status).toBe('open');
  });
});

describe('SharedBreaker: publishing a transition', () => {
  it('leaves a transition a sender made for the prober, whose next run publishes it once', async () => {
    // Prepare: a sender has no event bus.
    const w = world();
    await w.fail(5);

    // Act
    const first = await w.prober.publishLeftover();
    const second = await w.prober.publishLeftover();

    // Assess
    expect(first.map((t) => t.type)).toEqual(['Paypro Unavailable']);
    expect(second).toEqual([]);
    expect(w.events.published).toEqual([
      {
        eventId: 'paypro:5',
        type: 'Paypro Unavailable',
        occurredAt: T0,
        since: T0,
        failure: "HTTP 503 without Paypro's envelope",
      },
    ]);
    expect(w.store.peek().pending).toEqual([]);
  });

  it('keeps a transition the bus refused, and publishes it once its claim has expired, once', async () => {
    // Prepare
    const w = world();
    await w.fail(5);
    w.events.failNext(1);

    // Act
    const refused = await w.prober.publishLeftover();
    const tooSoon = await w.prober.publishLeftover();
    w.clock.advance(PUBLISH_LEASE_MS);
    const next = await w.prober.publishLeftover();
    const after = await w.prober.publishLeftover();

    // Assess
    expect([refused.length, tooSoon.length, next.length, after.length]).toEqual([0, 0, 1, 0]);
    expect(w.events.published.map((t) => t.eventId)).toEqual(['paypro:5']);
    expect(w.counter.counts.EventPublishFailure).toBe(1);
  });

  it('publishes a transition once when two runs publish at the same moment', async () => {
    // Prepare
    const w = world();
    await w.fail(5);
    const second = inMemoryBreaker({
      store: w.store,
      log: w.log,
      counter: w.counter,
      now: w.clock.now,
      events: w.events,
    }).breaker;

    // Act
    const [a, b] = await Promise.all([w.prober.publishLeftover(), second.publishLeftover()]);

    // Assess
    expect(a.length + b.length).toBe(1);
    expect(w.events.published.map((t) => t.eventId)).toEqual(['paypro:5']);
    expect(w.store.peek().pending).toEqual([]);
  });

  it('publishes a left-over Unavailable before the probe that closes the breaker, then its Restored', async () => {
    // Prepare
    const w = world();
    await w.fail(5);
    w.clock.advance(15 * SECOND);

    // Act
    const run = await w.prober.probe();

    // Assess
    expect(run.outcome).toBe('closed');
    expect(run.published.map((t) => t.type)).toEqual(['Paypro Unavailable', 'Paypro Restored']);
    expect(w.events.published.map((t) => t.type)).toEqual(['Paypro Unavailable', 'Paypro Restored']);
    expect(await w.prober.publishLeftover()).toEqual([]);
  });
});

describe('SharedBreaker: probing', () => {
  it('probes no sooner than PAYPRO_PROBE_S after opening, then at most once per PAYPRO_PROBE_S', async () => {
    // Prepare
    const w = world();
    await w.fail(5);
    w.probe.up = false;

    // Act
    w.clock.advance(14 * SECOND);
    const early = await w.prober.probe();
    w.clock.advance(SECOND);
    const due = await w.prober.probe();
    const again = await w.prober.probe();
    w.clock.advance(15 * SECOND);
    const next = await w.prober.probe();

    // Assess
    expect([early.outcome, due.outcome, again.outcome, next.outcome]).toEqual([
      'not-due',
      'still-open',
      'not-due',
      'still-open',
    ]);
    expect(w.probe.calls.map((at) => (at - Date.parse(T0)) / SECOND)).toEqual([15, 30]);
    expect(w.store.peek().status).toBe('open');
  });

  it('names, when it closes, the last failure a probe saw', async () => {
    // Prepare
    const w = world();
    await w.fail(5);
    w.probe.up = false;
    w.probe.failure = REFUSED;
    w.clock.advance(15 * SECOND);
    await w.prober.probe();
    w.probe.up = true;
    w.clock.advance(15 * SECOND);

    // Act
    await w.prober.probe();

    // Assess
    expect(w.events.published.at(-1)).toMatchObject({
      type: 'Paypro Restored',
      since: T0,
      failure: 'connection failed (ECONNREFUSED)',
      restoredAt: new Date(Date.parse(T0) + 30 * SECOND).toISOString(),
    });
    expect(w.counter.counts.PayproRestored).toBe(1);
  });

  it('does nothing while the breaker is closed', async () => {
    // Prepare
    const w = world();

    // Act
    const run = await w.prober.probe();

    // Assess
    expect(run).toEqual({ outcome: 'not-open', published: [] });
    expect(w.probe.calls).toEqual([]);
  });
});

describe('SharedBreaker: the ramp after closing', () => {
  it(`admits a share of sends growing from a tenth to all over PAYPRO_RAMP_S, and counts those it holds`, async () => {
    // Prepare: open, then closed by a probe at T0 + 15 s.
    const w = world();
    await w.fail(5);
    w.clock.advance(15 * SECOND);
    await w.prober.probe();
    const admitWith = async (draw: number) => {
      w.setDraw(draw);
      return w.sender.admit();
    };
    const closedAt = new Date(Date.parse(T0) + 15 * SECOND).toISOString();

    // Act
    const atOnce = [await admitWith(0.05), await admitWith(0.5)];
    w.clock.advance(30 * SECOND);
    const halfway = [await admitWith(0.45), await admitWith(0.55)];
    w.clock.advance(30 * SECOND);
    const after = [await admitWith(0.99)];

    // Assess
    const held = { ok: false, reason: 'ramp', since: closedAt };
    expect(atOnce).toEqual([{ ok: true }, held]);
    expect(halfway).toEqual([{ ok: true }, held]);
    expect(after).toEqual([{ ok: true }]);
    expect(w.counter.counts.PayproCallHeld).toBe(2);
  });
});
