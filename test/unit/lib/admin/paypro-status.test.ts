import { describe, expect, it } from 'vitest';
import { type PayproStatusDeps, readPayproStatus } from '../../../../lib/admin/paypro-status';
import type { HeldWork } from '../../../../lib/paypro/held';
import { GATEWAY_503, inMemoryBreaker, ScriptedProbe } from '../../../support/fakes/breaker';
import { manualClock, noopCounter, silentLog } from '../../../support/fakes/observability';

const T0 = '2026-12-01T07:00:00.000Z';
const SECOND = 1_000;
const at = (s: number) => new Date(Date.parse(T0) + s * SECOND).toISOString();
const HELD: HeldWork = { payouts: 912, amount: 547_200, batches: 1 };

/** The breaker's item moved by a sender and the prober, and the route reading it. */
function world() {
  const clock = manualClock(T0);
  const probe = new ScriptedProbe(clock.now);
  const common = { log: silentLog, counter: noopCounter, now: clock.now };
  const { breaker: sender, store } = inMemoryBreaker(common);
  const { breaker: prober } = inMemoryBreaker({ ...common, store, probe: probe.call });
  let heldReads = 0;
  const deps: PayproStatusDeps = {
    breaker: store,
    held: {
      read: async () => {
        heldReads += 1;
        return HELD;
      },
    },
    settings: { probeMs: 15 * SECOND, rampMs: 60 * SECOND },
    now: clock.now,
  };
  const open = async () => {
    for (let i = 0; i < 5; i += 1) await sender.recordFailure(GATEWAY_503);
  };
  return {
    clock,
    probe,
    store,
    prober,
    open,
    read: () => readPayproStatus(deps),
    heldReads: () => heldReads,
  };
}

describe('readPayproStatus: GET /admin/paypro-status', () => {
  it('says Paypro is available, and reads no held work, when the breaker never opened', async () => {
    // Prepare
    const w = world();

    // Act
    const status = await w.read();

    // Assess
    expect(status).toEqual({
      availability: 'available',
      since: null,
      failure: null,
      lastFailure: null,
      nextProbeAt: null,
      restoredAt: null,
      rampUntil: null,
      held: null,
      readAt: T0,
    });
    expect(w.heldReads()).toBe(0);
  });

  it('says since when Paypro is unavailable, what opened the breaker, the next probe and what is held', async () => {
    // Prepare: opened at T0, a probe at T0 + 15 s refused.
    const w = world();
    await w.open();
    w.probe.up = false;
    w.probe.failure = { ...GATEWAY_503, detail: 'connection failed (ECONNREFUSED)' };
    w.clock.advance(15 * SECOND);
    await w.prober.probe();
    w.clock.advance(5 * SECOND);

    // Act
    const status = await w.read();

    // Assess
    expect(status).toEqual({
      availability: 'unavailable',
      since: T0,
      failure: "HTTP 503 without Paypro's envelope",
      lastFailure: 'connection failed (ECONNREFUSED)',
      nextProbeAt: at(30),
      restoredAt: null,
      rampUntil: null,
      held: HELD,
      readAt: at(20),
    });
  });

  it('says held work is resuming for PAYPRO_RAMP_S after a probe succeeded, then that Paypro is available', async () => {
    // Prepare: opened at T0, closed by a probe at T0 + 15 s.
    const w = world();
    await w.open();
    w.clock.advance(15 * SECOND);
    await w.prober.probe();
    w.clock.advance(10 * SECOND);

    // Act
    const resuming = await w.read();
    w.clock.advance(50 * SECOND);
    const available = await w.read();

    // Assess
    expect(resuming).toEqual({
      availability: 'resuming',
      since: T0,
      failure: "HTTP 503 without Paypro's envelope",
      lastFailure: "HTTP 503 without Paypro's envelope",
      nextProbeAt: null,
      restoredAt: at(15),
      rampUntil: at(75),
      held: HELD,
      readAt: at(25),
    });
    expect(available).toMatchObject({
      availability: 'available',
      since: null,
      restoredAt: at(15),
      held: null,
    });
    expect(w.heldReads()).toBe(1);
  });

  it('fails when the breaker’s item cannot be read, rather than guess', async () => {
    // Prepare
    const w = world();
    w.store.failNext(1);

    // Act, Assess
    await expect(w.read()).rejects.toThrow('the table is unreachable (fake)');
  });
});
