import { describe, expect, it } from 'vitest';
import { PayproUnknownOutcomeError } from '../../../../lib/errors';
import type { PayoutRecord, RequestRejected } from '../../../../lib/paypro/client';
import { unreadableAnswer } from '../../../../lib/paypro/transport';
import {
  type PayproWatchDeps,
  PROBE_TRADE_NO,
  payoutQueryProbe,
  watchPaypro,
} from '../../../../lib/paypro/watch';
import {
  GATEWAY_503,
  InMemoryBreakerStore,
  inMemoryBreaker,
  RecordingBreakerEvents,
  ScriptedProbe,
} from '../../../support/fakes/breaker';
import { countingCounter, manualClock, silentLog } from '../../../support/fakes/observability';

const T0 = '2026-12-01T07:00:00.000Z';
const SECOND = 1_000;
const at = (s: number) => new Date(Date.parse(T0) + s * SECOND).toISOString();

/** A sender that can open the breaker, and the prober's run on the same item, with a clock its sleeps move. */
function world() {
  const clock = manualClock(T0);
  const store = new InMemoryBreakerStore();
  const events = new RecordingBreakerEvents();
  const probe = new ScriptedProbe(clock.now);
  const counter = countingCounter();
  const common = { store, log: silentLog, counter, now: clock.now };
  const sender = inMemoryBreaker(common).breaker;
  const prober = inMemoryBreaker({ ...common, events, probe: probe.call }).breaker;
  const deps: PayproWatchDeps = {
    breaker: prober,
    probeMs: 15 * SECOND,
    counter,
    log: silentLog,
    now: clock.now,
    sleep: async (ms) => clock.advance(ms),
  };
  const open = async () => {
    for (let i = 0; i < 5; i += 1) await sender.recordFailure(GATEWAY_503);
  };
  // A run stops probing 45 s after it starts, as a 60 s Lambda with its 15 s margin.
  const run = () => watchPaypro(deps, clock.now().getTime() + 45 * SECOND);
  return { clock, store, events, probe, counter, open, run };
}

describe('watchPaypro: one run of paypro-breaker', () => {
  it('does nothing while the breaker is closed', async () => {
    // Prepare
    const w = world();

    // Act
    const summary = await w.run();

    // Assess
    expect(summary).toEqual({ status: 'closed', probes: 0, published: [] });
    expect(w.probe.calls).toEqual([]);
    expect(w.counter.counts.PayproBreakerOpen).toBeUndefined();
  });

  it('publishes the Unavailable a sender left, then probes every PAYPRO_PROBE_S until its time is up', async () => {
    // Prepare
    const w = world();
    await w.open();
    w.probe.up = false;

    // Act
    const summary = await w.run();

    // Assess
    expect(summary).toMatchObject({ status: 'open', since: T0, probes: 3 });
    expect(summary.published.map((t) => t.type)).toEqual(['Paypro Unavailable']);
    expect(w.probe.calls.map((t) => new Date(t).toISOString())).toEqual([at(15), at(30), at(45)]);
    expect(w.counter.counts.PayproBreakerOpen).toBe(1);
  });

  it('closes the breaker at the first probe Paypro answers, publishes Paypro Restored and stops', async () => {
    // Prepare
    const w = world();
    await w.open();
    w.probe.up = false;
    await w.run();
    w.probe.up = true;
    w.clock.advance(15 * SECOND);

    // Act
    const summary = await w.run();

    // Assess
    expect(summary.status).toBe('closed');
    expect(summary.probes).toBe(1);
    expect(summary.published).toEqual([
      expect.objectContaining({ type: 'Paypro Restored', since: T0, restoredAt: at(60) }),
    ]);
    expect(w.events.published.map((t) => t.type)).toEqual(['Paypro Unavailable', 'Paypro Restored']);
    expect(w.counter.counts.PayproBreakerOpen).toBe(2);
  });

  it('reports the breaker unknown, and throws nothing, when its item cannot be read', async () => {
    // Prepare
    const w = world();
    w.store.failNext(2);

    // Act
    const summary = await w.run();

    // Assess
    expect(summary).toEqual({ status: 'unknown', probes: 0, published: [] });
    expect(w.counter.counts.PayproBreakerStoreFailure).toBe(2);
  });
});

describe('payoutQueryProbe', () => {
  const credentials = { merchantNo: '0000000042', appSecret: 'unit-secret' };
  const paypro = (answer: () => Promise<PayoutRecord | RequestRejected>) => {
    const asked: string[] = [];
    return {
      asked,
      queryPayout: async (_c: unknown, tradeNo: string) => {
        asked.push(tradeNo);
        return answer();
      },
    };
  };

  it('asks about the probe tradeNo and takes Paypro’s "order does not exist" as an answer', async () => {
    // Prepare
    const api = paypro(async () => ({ kind: 'rejected', code: '1005', message: 'ORDER_NOT_EXIST' }));

    // Act
    await payoutQueryProbe(api, async () => credentials)();

    // Assess
    expect(api.asked).toEqual([PROBE_TRADE_NO]);
  });

  it('takes an unreadable answer as an answer, since it never counts towards opening the breaker', async () => {
    // Prepare
    const api = paypro(async () => {
      throw new PayproUnknownOutcomeError('Paypro answered the query with unreadable data.', {
        failure: unreadableAnswer('Paypro answered the query with unreadable data.'),
      });
    });

    // Act, Assess
    await expect(payoutQueryProbe(api, async () => credentials)()).resolves.toBeUndefined();
  });

  it('fails when the transport says Paypro is unavailable', async () => {
    // Prepare
    const down = new PayproUnknownOutcomeError("Paypro answered with HTTP 503 without Paypro's envelope.", {
      failure: GATEWAY_503,
    });
    const api = paypro(async () => {
      throw down;
    });

    // Act, Assess
    await expect(payoutQueryProbe(api, async () => credentials)()).rejects.toBe(down);
  });
});
