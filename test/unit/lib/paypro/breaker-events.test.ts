import { describe, expect, it } from 'vitest';
import { BusBreakerEvents } from '../../../../lib/paypro/breaker-events';
import { PUBLISH_LEASE_MS } from '../../../../lib/paypro/breaker-prober';
import type { HeldWork } from '../../../../lib/paypro/held';
import { GATEWAY_503, inMemoryBreaker, ScriptedProbe } from '../../../support/fakes/breaker';
import { RecordingBus } from '../../../support/fakes/event-bus';
import { countingCounter, manualClock, silentLog } from '../../../support/fakes/observability';

const T0 = '2026-12-01T07:00:00.000Z';

/** The work held as a test sets it, read at each publication. */
class SetHeld {
  held: HeldWork = { payouts: 0, amount: 0, batches: 0 };
  failing = false;

  async read(): Promise<HeldWork> {
    if (this.failing) throw new Error('the payouts table is unreachable (fake)');
    return { ...this.held };
  }
}

/** A sender that opens the breaker, and the prober publishing on a recording bus. */
function world() {
  const clock = manualClock(T0);
  const bus = new RecordingBus();
  const held = new SetHeld();
  const probe = new ScriptedProbe(clock.now);
  const common = { log: silentLog, counter: countingCounter(), now: clock.now };
  const { breaker: sender, store } = inMemoryBreaker(common);
  const { breaker: prober } = inMemoryBreaker({
    ...common,
    store,
    events: new BusBreakerEvents(bus, held),
    probe: probe.call,
  });
  const open = async () => {
    for (let i = 0; i < 5; i += 1) await sender.recordFailure(GATEWAY_503);
  };
  return { clock, bus, held, store, prober, open };
}

describe('BusBreakerEvents', () => {
  it('publishes Paypro Unavailable on the bus with the work held when it is published', async () => {
    // Prepare
    const w = world();
    await w.open();
    w.held.held = { payouts: 912, amount: 547_200, batches: 1 };

    // Act
    await w.prober.publishLeftover();

    // Assess
    expect(w.bus.published).toEqual([
      {
        type: 'Paypro Unavailable',
        occurredAt: T0,
        detail: {
          eventId: 'paypro:5',
          occurredAt: T0,
          since: T0,
          failure: "HTTP 503 without Paypro's envelope",
          held: { payouts: 912, amount: 547_200, batches: 1 },
        },
      },
    ]);
  });

  it('publishes Paypro Restored with since, restoredAt and what now resumes', async () => {
    // Prepare
    const w = world();
    await w.open();
    await w.prober.publishLeftover();
    w.held.held = { payouts: 958, amount: 574_800, batches: 1 };
    w.clock.advance(15_000);

    // Act
    await w.prober.probe();

    // Assess
    const restoredAt = '2026-12-01T07:00:15.000Z';
    expect(w.bus.published.at(-1)).toEqual({
      type: 'Paypro Restored',
      occurredAt: restoredAt,
      detail: {
        eventId: 'paypro:9',
        occurredAt: restoredAt,
        since: T0,
        failure: "HTTP 503 without Paypro's envelope",
        restoredAt,
        held: { payouts: 958, amount: 574_800, batches: 1 },
      },
    });
  });

  it('publishes nothing when the held work cannot be read, and a later run publishes it once', async () => {
    // Prepare
    const w = world();
    await w.open();
    w.held.failing = true;

    // Act
    const failed = await w.prober.publishLeftover();
    w.held.failing = false;
    w.clock.advance(PUBLISH_LEASE_MS);
    const next = await w.prober.publishLeftover();

    // Assess
    expect([failed.length, next.length]).toEqual([0, 1]);
    expect(w.bus.published.map((event) => event.type)).toEqual(['Paypro Unavailable']);
  });
});
