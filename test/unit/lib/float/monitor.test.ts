import { describe, expect, it } from 'vitest';
import { FloatUnreadableError } from '../../../../lib/errors';
import { StoredFloatCheckRequests } from '../../../../lib/float/check-requests';
import type { FloatEvent } from '../../../../lib/float/events';
import type { InFlight } from '../../../../lib/float/in-flight';
import { type FloatMonitorDeps, monitorFloat } from '../../../../lib/float/monitor';
import type { FloatBalance } from '../../../../lib/paypro/float-answers';
import type { MetricName } from '../../../../lib/shared/metrics';
import { RecordingBus } from '../../../support/fakes/event-bus';
import { InMemoryFloatState } from '../../../support/fakes/float-state';
import { manualClock, recordingLog } from '../../../support/fakes/observability';

const T0 = '2026-11-30T06:00:00.000Z';
const MINUTE = 60_000;
const WATERMARK = 100_000;
const IN_FLIGHT: InFlight = {
  openPayouts: { count: 3, amount: 4_500 },
  queuedItems: { count: 10, amount: 12_000 },
  amount: 16_500,
};

/** Paypro's balance as a test sets it; `unreadable` makes queryBalance fail as PayproClient does. */
class FakeBalance {
  balance: FloatBalance = { available: 500_000, frozen: 1_000, unsettled: 2_500 };
  unreadable = false;
  calls = 0;

  async queryBalance(): Promise<FloatBalance> {
    this.calls += 1;
    if (this.unreadable) throw new FloatUnreadableError('Paypro answered 5xx (fake)');
    return { ...this.balance };
  }
}

/** Every metric value written, by name, in order. */
function recordingMetrics() {
  const values: Partial<Record<MetricName, number[]>> = {};
  return {
    values,
    count(name: MetricName, value = 1) {
      values[name] = [...(values[name] ?? []), value];
    },
  };
}

function world() {
  const clock = manualClock(T0);
  const paypro = new FakeBalance();
  const state = new InMemoryFloatState();
  const bus = new RecordingBus();
  const metrics = recordingMetrics();
  const log = recordingLog();
  const deps: FloatMonitorDeps = {
    state,
    paypro,
    secret: async () => ({ merchantNo: '0000000042', appSecret: 'unit-secret' }),
    inFlight: { read: async () => IN_FLIGHT },
    bus,
    watermark: WATERMARK,
    checkIntervalMs: 5 * MINUTE,
    counter: metrics,
    log,
    now: clock.now,
  };
  // The bus keeps them as BusEvents; the monitor publishes FloatEvents.
  const events = () => bus.published as unknown as FloatEvent[];
  return { clock, paypro, state, bus, events, metrics, log, deps, run: () => monitorFloat(deps) };
}

describe('monitorFloat: when it reads the balance', () => {
  it('reads at the first run, then not again until FLOAT_CHECK_S has passed', async () => {
    // Prepare
    const w = world();

    // Act
    const first = await w.run();
    w.clock.advance(MINUTE);
    const early = await w.run();
    w.clock.advance(4 * MINUTE);
    const due = await w.run();

    // Assess
    expect(first).toEqual({ reason: 'first', checked: true, level: 'ok', published: 0 });
    expect(early).toEqual({ checked: false, published: 0 });
    expect(due).toEqual({ reason: 'due', checked: true, level: 'ok', published: 0 });
    expect(w.paypro.calls).toBe(2);
  });

  it('publishes the three figures and the money in flight as metrics on every check, and none when not due', async () => {
    // Prepare
    const w = world();
    w.paypro.balance = { available: 123_456, frozen: 7_000, unsettled: 800 };

    // Act
    await w.run();
    w.clock.advance(MINUTE);
    await w.run();

    // Assess
    expect(w.metrics.values).toEqual({
      FloatAvailable: [123_456],
      FloatFrozen: [7_000],
      FloatUnsettled: [800],
      FloatInFlight: [16_500],
    });
  });

  it('checks at once when a check was asked for since the last one', async () => {
    // Prepare
    const w = world();
    await w.run();
    w.clock.advance(MINUTE);
    const requests = new StoredFloatCheckRequests(w.state, w.log);
    await requests.request(w.clock.now().toISOString(), 'payout pay-1 refused: insufficient funds');
    w.clock.advance(MINUTE);

    // Act
    const requested = await w.run();
    w.clock.advance(MINUTE);
    const after = await w.run();

    // Assess
    expect(requested).toEqual({ reason: 'requested', checked: true, level: 'ok', published: 0 });
    expect(after).toEqual({ checked: false, published: 0 });
    expect(w.paypro.calls).toBe(2);
  });
});

describe('monitorFloat: Float Low and Float Restored, once per crossing', () => {
  it('sends Float Low once over several low checks, then Float Restored once when topped up', async () => {
    // Prepare
    const w = world();
    const runEvery5Min = async (available: number) => {
      w.paypro.balance = { available, frozen: 0, unsettled: 0 };
      const summary = await w.run();
      w.clock.advance(5 * MINUTE);
      return summary;
    };

    // Act
    await runEvery5Min(150_000);
    const low = await runEvery5Min(90_000);
    await runEvery5Min(60_000);
    await runEvery5Min(30_000);
    const restoredAt = w.clock.now().toISOString();
    const restored = await runEvery5Min(400_000);
    await runEvery5Min(400_000);

    // Assess
    expect(low).toEqual({ reason: 'due', checked: true, level: 'low', event: 'Float Low', published: 1 });
    expect(restored).toEqual({
      reason: 'due',
      checked: true,
      level: 'ok',
      event: 'Float Restored',
      published: 1,
    });
    expect(w.bus.published).toEqual([
      {
        eventId: 'float:2',
        type: 'Float Low',
        occurredAt: '2026-11-30T06:05:00.000Z',
        detail: {
          eventId: 'float:2',
          occurredAt: '2026-11-30T06:05:00.000Z',
          available: 90_000,
          frozen: 0,
          unsettled: 0,
          inFlight: 16_500,
          watermark: WATERMARK,
          readAt: '2026-11-30T06:05:00.000Z',
          previousState: 'ok',
          state: 'low',
        },
      },
      {
        eventId: 'float:5',
        type: 'Float Restored',
        occurredAt: restoredAt,
        detail: {
          eventId: 'float:5',
          occurredAt: restoredAt,
          available: 400_000,
          frozen: 0,
          unsettled: 0,
          inFlight: 16_500,
          watermark: WATERMARK,
          readAt: restoredAt,
          previousState: 'low',
          state: 'ok',
        },
      },
    ]);
    expect(w.state.peek().pending).toBeUndefined();
  });

  it('sends Float Low at the very first reading when the float is already low, with no previous state', async () => {
    // Prepare
    const w = world();
    w.paypro.balance = { available: 10, frozen: 0, unsettled: 0 };

    // Act
    await w.run();

    // Assess
    expect(w.events().map((e) => [e.type, e.detail.previousState])).toEqual([['Float Low', null]]);
  });

  it('sends one Float Low when two runs check the same crossing at once', async () => {
    // Prepare
    const w = world();
    w.paypro.balance = { available: 5_000, frozen: 0, unsettled: 0 };

    // Act
    const summaries = await Promise.all([w.run(), w.run()]);

    // Assess
    expect(w.paypro.calls).toBe(2);
    expect(w.events().map((e) => e.eventId)).toEqual(['float:1']);
    expect(summaries.map((s) => s.published).sort()).toEqual([0, 1]);
  });

  it('keeps a crossing whose event the bus refused, and publishes it (same eventId) at the next run before anything else', async () => {
    // Prepare
    const w = world();
    w.paypro.balance = { available: 5_000, frozen: 0, unsettled: 0 };
    w.bus.refuseNext();

    // Act
    const refused = await w.run();
    const pendingAfterRefusal = w.state.peek().pending?.eventId;
    w.clock.advance(MINUTE);
    const next = await w.run();

    // Assess
    expect(refused).toEqual({
      reason: 'first',
      checked: true,
      level: 'low',
      event: 'Float Low',
      published: 0,
    });
    expect(pendingAfterRefusal).toBe('float:1');
    expect(next).toEqual({ checked: false, published: 1 });
    expect(w.events().map((e) => [e.eventId, e.type])).toEqual([['float:1', 'Float Low']]);
    expect(w.state.peek().pending).toBeUndefined();
  });

  it('does not record a new crossing over an event still unpublished, and records it once the first is out', async () => {
    // Prepare: Float Low recorded, the bus down for two runs, the float topped up meanwhile.
    const w = world();
    w.paypro.balance = { available: 5_000, frozen: 0, unsettled: 0 };
    w.bus.refuseNext(2);
    await w.run();
    w.paypro.balance = { available: 900_000, frozen: 0, unsettled: 0 };
    w.clock.advance(5 * MINUTE);

    // Act
    const blocked = await w.run();
    w.clock.advance(MINUTE);
    const unblocked = await w.run();

    // Assess: the reading was still published as metrics; the events come out in order.
    expect(blocked).toEqual({ reason: 'due', checked: true, published: 0 });
    expect(w.metrics.values.FloatAvailable).toEqual([5_000, 900_000, 900_000]);
    expect(unblocked).toEqual({
      reason: 'due',
      checked: true,
      level: 'ok',
      event: 'Float Restored',
      published: 2,
    });
    expect(w.events().map((e) => [e.eventId, e.type])).toEqual([
      ['float:1', 'Float Low'],
      ['float:2', 'Float Restored'],
    ]);
  });
});

describe('monitorFloat: an unreadable balance', () => {
  it('changes nothing, counts FloatReadFailed, warns, and tries again at the next run', async () => {
    // Prepare
    const w = world();
    await w.run();
    const before = w.state.peek();
    w.clock.advance(5 * MINUTE);
    w.paypro.unreadable = true;

    // Act
    const failed = await w.run();
    w.clock.advance(MINUTE);
    const retried = await w.run();

    // Assess
    expect(failed).toEqual({ reason: 'due', checked: false, published: 0 });
    expect(retried).toEqual({ reason: 'due', checked: false, published: 0 });
    expect(w.state.peek()).toEqual(before);
    expect(w.metrics.values.FloatReadFailed).toEqual([1, 1]);
    expect(w.metrics.values.FloatAvailable).toEqual([500_000]);
    expect(w.bus.published).toEqual([]);
    expect(w.log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'could not read the float; nothing changed, the next run tries again',
      'could not read the float; nothing changed, the next run tries again',
    ]);
  });
});

describe('StoredFloatCheckRequests', () => {
  it('never throws to the payout that asks: a store failure is logged as a warning', async () => {
    // Prepare
    const state = new InMemoryFloatState().failNext();
    const log = recordingLog();
    const requests = new StoredFloatCheckRequests(state, log);

    // Act
    await requests.request(T0, 'payout pay-1 refused: insufficient funds');

    // Assess
    expect(state.peek()).toEqual({ version: 0 });
    expect(log.lines).toEqual([
      { level: 'warn', message: 'could not ask for a float check; the monitor checks at its next due time' },
    ]);
  });
});
