/*
 * The breaker's states (lib/paypro/breaker.ts), driven the way the service drives them: senders
 * in several containers ask admit(), call Paypro and report the outcome; the prober publishes
 * left-over transitions and probes. All share one in-memory item through SharedBreaker (uncached),
 * so the conditional writes on the item's version decide every race, as on DynamoDB.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  afterProbe,
  type BreakerState,
  INITIAL_BREAKER,
  MAX_PENDING,
} from '../../../../lib/paypro/breaker';
import type { ProbingBreaker as SharedBreaker } from '../../../../lib/paypro/breaker-prober';
import type { TransportFailure } from '../../../../lib/paypro/transport';
import {
  GATEWAY_503,
  InMemoryBreakerStore,
  inMemoryBreaker,
  RecordingBreakerEvents,
  ScriptedProbe,
  TEST_BREAKER_SETTINGS,
} from '../../../support/fakes/breaker';
import { manualClock, noopCounter, silentLog } from '../../../support/fakes/observability';

const T0 = '2026-12-01T07:00:00.000Z';
const { failures: FAILURES, windowMs: WINDOW_MS, probeMs: PROBE_MS, rampMs: RAMP_MS } = TEST_BREAKER_SETTINGS;

/** What Paypro did with one send: answered (`ok`, a refusal in its envelope included), or how it failed. */
type Outcome = 'ok' | 'unavailable' | 'unreadable';

type Op =
  | { kind: 'send'; sender: number; outcome: Outcome; draw: number }
  | { kind: 'sends-together'; draw: number }
  | { kind: 'probe'; up: boolean }
  | { kind: 'probes-together'; up: boolean }
  | { kind: 'publish' }
  | { kind: 'publishes-together' }
  | { kind: 'tick'; ms: number };

const UNREADABLE: TransportFailure = {
  class: 'ambiguous',
  unavailable: false,
  rateLimited: false,
  detail: 'Paypro answered /api/payout with a body that is not JSON.',
};

/** The breaker as its settings describe it, written independently of the code, over ms since T0. */
class Model {
  status: 'closed' | 'open' = 'closed';
  failures: number[] = [];
  openedAt = 0;
  probeAt = 0;
  closedAt: number | undefined;
  readonly transitions: Array<{ type: string; since: string }> = [];
  readonly probes: number[] = [];

  admits(now: number, draw: number): boolean {
    if (this.status === 'open') return false;
    if (this.closedAt === undefined || now - this.closedAt >= RAMP_MS) return true;
    return draw < Math.max(0.1, (now - this.closedAt) / RAMP_MS);
  }

  failure(now: number): void {
    if (this.status === 'open') return;
    this.failures = [...this.failures.filter((t) => t > now - WINDOW_MS), now];
    if (this.failures.length < FAILURES) return;
    this.status = 'open';
    this.failures = [];
    this.openedAt = now;
    this.probeAt = now;
    this.transitions.push({ type: 'Paypro Unavailable', since: iso(now) });
  }

  success(): void {
    if (this.status === 'closed') this.failures = [];
  }

  probe(now: number, up: boolean): void {
    if (this.status !== 'open' || now - this.probeAt < PROBE_MS) return;
    this.probeAt = now;
    this.probes.push(now);
    if (!up) return;
    this.status = 'closed';
    this.closedAt = now;
    this.transitions.push({ type: 'Paypro Restored', since: iso(this.openedAt) });
  }
}

const iso = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

/** Three sender containers (create-payout, send-batch-items…) and two prober runs on one item. */
function world() {
  const clock = manualClock(T0);
  const store = new InMemoryBreakerStore();
  const events = new RecordingBreakerEvents();
  const probe = new ScriptedProbe(clock.now);
  let draw = 0;
  const common = { store, log: silentLog, counter: noopCounter, now: clock.now, random: () => draw };
  const senders = [0, 1, 2].map(() => inMemoryBreaker(common).breaker);
  const probers = [0, 1].map(() => inMemoryBreaker({ ...common, events, probe: probe.call }).breaker);
  const elapsed = () => clock.now().getTime() - Date.parse(T0);
  return {
    clock,
    store,
    events,
    probe,
    senders,
    probers,
    elapsed,
    setDraw: (d: number) => {
      draw = d;
    },
  };
}

/** One send as sendOnce makes it: ask, call Paypro only if admitted, report what happened. */
async function send(breaker: SharedBreaker, outcome: Outcome): Promise<boolean> {
  const admission = await breaker.admit();
  if (!admission.ok) return false;
  if (outcome === 'ok') await breaker.recordSuccess();
  else await breaker.recordFailure(outcome === 'unavailable' ? GATEWAY_503 : UNREADABLE);
  return true;
}

// Draws near the ramp's floor (RAMP_FLOOR, 0.1) as well as anywhere.
const draw = fc.oneof(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  fc.constantFrom(0, 0.05, 0.099, 0.1, 0.15, 0.5, 0.95),
);
// Moves of the clock, with the settings' edges among them (a probe's interval, the window, the ramp).
const tick = fc.oneof(
  fc.integer({ min: 0, max: 3_000 }),
  fc.integer({ min: 3_000, max: 40_000 }),
  fc.constantFrom(1, 999, 5_000, 10_000, 14_000, 14_999, 15_000, 29_999, 30_000, 59_999, 60_000),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      sender: fc.integer({ min: 0, max: 2 }),
      outcome: fc.constantFrom<Outcome>('ok', 'unavailable', 'unavailable', 'unavailable', 'unreadable'),
      draw,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sends-together' as const), draw }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('probe' as const), up: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('probes-together' as const), up: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('publish' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('publishes-together' as const) }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: tick }),
  },
);

type World = ReturnType<typeof world>;

/** Runs one step on the service and on the model; asserts, for a send, that both admit alike. */
async function step(w: World, model: Model, next: Op): Promise<void> {
  const now = w.elapsed();
  switch (next.kind) {
    case 'send': {
      w.setDraw(next.draw);
      const expected = model.admits(now, next.draw);
      // Admitted exactly when the model admits: never while open.
      expect(await send(w.senders[next.sender] as SharedBreaker, next.outcome)).toBe(expected);
      if (expected && next.outcome === 'ok') model.success();
      if (expected && next.outcome === 'unavailable') model.failure(now);
      return;
    }
    case 'sends-together': {
      // Three containers fail at once: every admitted failure counts, whoever loses the write.
      w.setDraw(next.draw);
      const expected = model.admits(now, next.draw);
      expect(await Promise.all(w.senders.map((s) => send(s, 'unavailable')))).toEqual([
        expected,
        expected,
        expected,
      ]);
      if (expected) for (let i = 0; i < 3; i += 1) model.failure(now);
      return;
    }
    case 'probe':
      w.probe.up = next.up;
      await (w.probers[0] as SharedBreaker).probe();
      model.probe(now, next.up);
      return;
    case 'probes-together':
      // Two runs overlap: they race for the left-overs' publication and for the probe's claim;
      // each transition is published once, and only one probes.
      w.probe.up = next.up;
      await Promise.all(w.probers.map((p) => p.probe()));
      model.probe(now, next.up);
      return;
    case 'publish':
      await (w.probers[0] as SharedBreaker).publishLeftover();
      return;
    case 'publishes-together':
      await Promise.all(w.probers.map((p) => p.publishLeftover()));
      return;
    case 'tick':
      w.clock.advance(next.ms);
  }
}

/** The item, the probes and what was published agree with the model (published: so far, in order). */
function expectAgreement(w: World, model: Model): void {
  expect(w.store.peek().status).toBe(model.status);
  expect(w.probe.calls.map((t) => t - Date.parse(T0))).toEqual(model.probes);
  const published = w.events.published.map(({ type, since }) => ({ type, since }));
  expect(model.transitions.slice(0, published.length)).toEqual(published);
}

describe('the breaker, through SharedBreaker on one shared item', () => {
  it('opens only at PAYPRO_BREAKER_FAILURES unavailability failures within the window, holds every send while open, probes at most once per PAYPRO_PROBE_S, closes only on a successful probe, and announces each transition once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 100, size: 'max' }), async (ops) => {
        // Prepare
        const w = world();
        const model = new Model();

        // Act, and Assess after every step
        for (const next of ops) {
          await step(w, model, next);
          expectAgreement(w, model);
        }
        // The prober's next run publishes whatever is left.
        await (w.probers[0] as SharedBreaker).publishLeftover();

        // Assess: one event per transition, in order, alternating, with increasing ids.
        const published = w.events.published;
        expect(published.map(({ type, since }) => ({ type, since }))).toEqual(model.transitions);
        expect(published.map((event) => event.type)).toEqual(
          published.map((_, i) => (i % 2 === 0 ? 'Paypro Unavailable' : 'Paypro Restored')),
        );
        const ids = published.map((event) => Number(event.eventId.replace(/^paypro:/, '')));
        expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] as number))).toBe(true);
        const gaps = w.probe.calls.slice(1).map((t, i) => t - (w.probe.calls[i] as number));
        expect(gaps.every((gap) => gap >= PROBE_MS)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the breaker item', () => {
  const at = (ms: number) => new Date(Date.parse(T0) + ms);
  const open = (state: BreakerState, ms: number): BreakerState => {
    let next = state;
    for (let i = 0; i < FAILURES; i += 1) {
      next = afterFailure(next, at(ms), 'HTTP 503', TEST_BREAKER_SETTINGS) ?? next;
    }
    return next;
  };

  it(`keeps at most ${MAX_PENDING} unpublished transitions, dropping the oldest`, () => {
    // Prepare: outages that no prober ever published.
    let state = INITIAL_BREAKER;

    // Act
    for (let i = 0; i < 3; i += 1) {
      state = open(state, i * 60_000);
      state = afterProbe(state, at(i * 60_000 + PROBE_MS), { ok: true }) ?? state;
    }

    // Assess
    expect(state.pending?.map((t) => t.type)).toEqual([
      'Paypro Unavailable',
      'Paypro Restored',
      'Paypro Unavailable',
      'Paypro Restored',
    ]);
    expect(state.pending?.[0]?.since).toBe(at(60_000).toISOString());
  });

  it('names, in Restored, the last failure a probe saw while it was open', () => {
    // Prepare
    const opened = open(INITIAL_BREAKER, 0);
    const probedDown = afterProbe(opened, at(PROBE_MS), {
      ok: false,
      failure: 'connection failed (ECONNREFUSED)',
    });

    // Act
    const restored = afterProbe(probedDown ?? opened, at(2 * PROBE_MS), { ok: true });

    // Assess
    expect(restored?.pending?.at(-1)).toEqual({
      eventId: `paypro:${restored?.version}`,
      type: 'Paypro Restored',
      occurredAt: at(2 * PROBE_MS).toISOString(),
      since: T0,
      failure: 'connection failed (ECONNREFUSED)',
      restoredAt: at(2 * PROBE_MS).toISOString(),
    });
  });
});
