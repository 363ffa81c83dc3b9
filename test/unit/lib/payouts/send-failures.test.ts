import { describe, expect, it } from 'vitest';
import { reserveCaps } from '../../../../lib/limits/caps';
import type { Payout } from '../../../../lib/payouts/payout';
import { sendOnce } from '../../../../lib/payouts/send';
import type { BreakerState } from '../../../../lib/paypro/breaker';
import { inMemoryBreaker } from '../../../support/fakes/breaker';
import { payoutWorld } from '../../../support/fakes/payout-world';
import { failedWith, GATEWAY_503, NO_ANSWER_IN_TIME, TOO_MANY_REQUESTS } from '../../../support/fakes/paypro';
import { FAKE_SECRET } from '../../../support/fakes/secrets';

const NOW = '2026-11-24T07:00:00.000Z';
const OPENED_AT = '2026-11-24T06:59:30.000Z';
const DAY = '2026-11-24';

/** A recorded payout not yet sent, its share of the caps reserved on DAY. */
function recorded(tradeNo: string): Payout {
  return {
    tradeNo,
    amount: 1500,
    mobile: '254712345678',
    status: 'PENDING',
    requestHash: `hash-${tradeNo}`,
    capDay: DAY,
    paypro: {},
    createdAt: NOW,
    updatedAt: NOW,
    history: [{ at: NOW, source: 'api', status: 'PENDING', note: 'payout requested' }],
  };
}

/** The breaker open since OPENED_AT, as a failure past the threshold leaves it. */
const OPEN: BreakerState = {
  version: 1,
  status: 'open',
  recentFailures: [],
  openedAt: OPENED_AT,
  openedBy: "HTTP 503 without Paypro's envelope",
  lastFailure: "HTTP 503 without Paypro's envelope",
  probeAt: OPENED_AT,
};

/** A world holding `payouts`, recorded with their shares reserved, as createPayout leaves them before sending. */
async function worldWith(...payouts: Payout[]) {
  const world = payoutWorld({ start: NOW });
  for (const payout of payouts) {
    await reserveCaps(world.deps, DAY, [{ mobile: payout.mobile, amount: payout.amount, count: 1 }]);
    await world.store.create(payout, '2026-11-24T07:01:00.000Z');
  }
  // The waits of a rate-limited send, which pass on the test's clock at once.
  const waits: number[] = [];
  const deps = {
    ...world.deps,
    sleep: async (ms: number) => {
      waits.push(ms);
      world.clock.advance(ms);
    },
  };
  return { ...world, deps, waits };
}

describe('sendOnce asks the breaker first', () => {
  it('holds a payout while the breaker is open: nothing claimed, Paypro called 0 times', async () => {
    // Prepare
    const world = await worldWith(recorded('h-1'));
    await world.breakerStore.write(0, OPEN);

    // Act
    const result = await sendOnce(world.deps, recorded('h-1'), FAKE_SECRET);

    // Assess
    expect(result).toEqual({ kind: 'held', payout: recorded('h-1'), reason: 'open', since: OPENED_AT });
    expect(world.paypro.payoutCalls).toEqual([]);
    expect(world.store.all()).toEqual([recorded('h-1')]);
    expect(world.counter.counts.PayproCallHeld).toBe(1);
  });

  it('holds a send that is not admitted at the ramp just after Paypro came back, claiming nothing', async () => {
    // Prepare: closed 5 s ago, so about a tenth of sends are admitted; this one draws above it.
    const world = await worldWith(recorded('h-2'));
    const closedAt = '2026-11-24T06:59:55.000Z';
    await world.breakerStore.write(0, {
      version: 1,
      status: 'closed',
      recentFailures: [],
      openedAt: OPENED_AT,
      closedAt,
    });
    const { breaker } = inMemoryBreaker({
      log: world.log,
      counter: world.counter,
      now: world.clock.now,
      store: world.breakerStore,
      random: () => 0.99,
    });

    // Act
    const result = await sendOnce({ ...world.deps, breaker }, recorded('h-2'), FAKE_SECRET);

    // Assess
    expect(result).toEqual({ kind: 'held', payout: recorded('h-2'), reason: 'ramp', since: closedAt });
    expect(world.paypro.payoutCalls).toEqual([]);
    expect((await world.store.get('h-2'))?.sentAt).toBeUndefined();
  });

  it('opens the breaker after five unavailability failures, and holds the sixth send with no call', async () => {
    // Prepare
    const tradeNos = ['o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6'];
    const world = await worldWith(...tradeNos.map(recorded));
    for (const tradeNo of tradeNos) world.paypro.answerPayout(tradeNo, failedWith(GATEWAY_503));

    // Act
    const results = [];
    for (const tradeNo of tradeNos) results.push(await sendOnce(world.deps, recorded(tradeNo), FAKE_SECRET));

    // Assess
    expect(results.map((r) => r.kind)).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'held',
    ]);
    expect(world.paypro.payoutCalls.map((call) => call.tradeNo)).toEqual(tradeNos.slice(0, 5));
    expect(world.breakerStore.peek()).toMatchObject({ status: 'open', openedBy: GATEWAY_503.detail });
    expect((await world.store.get('o-6'))?.sentAt).toBeUndefined();
  });

  it('tells the breaker when Paypro answered, even with a refusal: the failures seen so far are forgotten', async () => {
    // Prepare
    const world = await worldWith(recorded('a-1'), recorded('a-2'));
    world.paypro
      .answerPayout('a-1', failedWith(GATEWAY_503))
      .answerPayout('a-2', { kind: 'rejected', code: '1001', message: 'INVALID_MOBILE' });
    await sendOnce(world.deps, recorded('a-1'), FAKE_SECRET);
    const afterFailure = world.breakerStore.peek().recentFailures;

    // Act
    await sendOnce(world.deps, recorded('a-2'), FAKE_SECRET);

    // Assess
    expect(afterFailure).toEqual([NOW]);
    expect(world.breakerStore.peek()).toMatchObject({ status: 'closed', recentFailures: [] });
  });
});

describe('sendOnce records a failed send by what the transport proved', () => {
  it('notes a 503 from a gateway as not taken in, and leaves the payout PENDING for the reconciler', async () => {
    // Prepare
    const world = await worldWith(recorded('f-1'));
    world.paypro.answerPayout('f-1', failedWith(GATEWAY_503));

    // Act
    const result = await sendOnce(world.deps, recorded('f-1'), FAKE_SECRET);

    // Assess
    const sendFailure = { class: 'not-taken-in', detail: "HTTP 503 without Paypro's envelope", at: NOW };
    expect(result).toEqual({
      kind: 'unknown',
      payout: {
        ...recorded('f-1'),
        sentAt: NOW,
        sendClaim: expect.any(String),
        sendFailure,
        history: [
          ...recorded('f-1').history,
          {
            at: NOW,
            source: 'paypro-payout',
            note: "send failed, not taken in: HTTP 503 without Paypro's envelope",
          },
        ],
      },
    });
    expect(world.store.all()).toEqual([result.payout]);
    expect(world.counter.counts).toMatchObject({ PayoutSendNotTakenIn: 1, PayoutOutcomeUnknown: 1 });
    expect(world.counter.counts.PayoutSendAmbiguous).toBeUndefined();
  });

  it('notes a send that got no answer in time as ambiguous', async () => {
    // Prepare
    const world = await worldWith(recorded('f-2'));
    world.paypro.answerPayout('f-2', failedWith(NO_ANSWER_IN_TIME));

    // Act
    const result = await sendOnce(world.deps, recorded('f-2'), FAKE_SECRET);

    // Assess
    expect(result.kind).toBe('unknown');
    const stored = await world.store.get('f-2');
    expect(stored).toMatchObject({
      status: 'PENDING',
      sentAt: NOW,
      sendFailure: { class: 'ambiguous', detail: 'no answer in time', at: NOW },
    });
    expect(stored?.history.at(-1)).toEqual({
      at: NOW,
      source: 'paypro-payout',
      note: 'send failed, ambiguous: no answer in time',
    });
    expect(world.counter.counts.PayoutSendAmbiguous).toBe(1);
    expect(world.breakerStore.peek().recentFailures).toEqual([NOW]);
  });

  it('still answers unknown, logging why, when the failure cannot be recorded', async () => {
    // Prepare: a callback settled the payout while its send was failing.
    const world = await worldWith(recorded('f-3'));
    world.paypro.answerPayout('f-3', failedWith(NO_ANSWER_IN_TIME));
    const recordSendFailure = world.store.recordSendFailure.bind(world.store);
    world.store.recordSendFailure = async (...args) => {
      await world.store.transition('f-3', {
        to: 'FAILED',
        at: NOW,
        entry: { at: NOW, source: 'callback', status: 'FAILED' },
        event: {
          eventId: 'e',
          type: 'Payout Failed',
          version: 1,
          occurredAt: NOW,
          payout: {},
        } as never,
      });
      return recordSendFailure(...args);
    };

    // Act
    const result = await sendOnce(world.deps, recorded('f-3'), FAKE_SECRET);

    // Assess
    expect(result.kind).toBe('unknown');
    expect((await world.store.get('f-3'))?.sendFailure).toBeUndefined();
    expect(world.log.lines).toContainEqual({ level: 'error', message: 'could not record the failed send' });
  });
});

describe('sendOnce when Paypro rate-limits', () => {
  it('backs off with growing waits and sends the same tradeNo again until Paypro takes it', async () => {
    // Prepare
    const world = await worldWith(recorded('r-1'));
    world.paypro.answerPayout('r-1', failedWith(TOO_MANY_REQUESTS), failedWith(TOO_MANY_REQUESTS), {
      kind: 'accepted',
      serialNumber: 'sn-r-1',
      status: '0015',
      message: 'CREDIT_INPROGRESS',
    });

    // Act
    const result = await sendOnce(world.deps, recorded('r-1'), FAKE_SECRET);

    // Assess
    expect(result.kind).toBe('known');
    expect(result.payout.status).toBe('PROCESSING');
    expect(result.payout.sendFailure).toBeUndefined();
    expect(world.paypro.payoutCalls.map((call) => call.tradeNo)).toEqual(['r-1', 'r-1', 'r-1']);
    expect(world.waits).toHaveLength(2);
    expect(world.waits[0]).toBeGreaterThanOrEqual(250);
    expect(world.waits[0]).toBeLessThanOrEqual(500);
    expect(world.waits[1]).toBeGreaterThanOrEqual(500);
    expect(world.waits[1]).toBeLessThanOrEqual(1000);
    expect(world.counter.counts.PayproRateLimited).toBe(2);
    expect(world.breakerStore.peek().recentFailures).toEqual([]);
  });

  it('never fails the payout: after its retries it stays PENDING, not taken in, and the breaker hears of it once', async () => {
    // Prepare
    const world = await worldWith(recorded('r-2'));
    world.paypro.answerPayout('r-2', failedWith(TOO_MANY_REQUESTS));

    // Act
    const result = await sendOnce(world.deps, recorded('r-2'), FAKE_SECRET);

    // Assess
    expect(result.kind).toBe('unknown');
    expect(await world.store.get('r-2')).toMatchObject({
      status: 'PENDING',
      sendFailure: { class: 'not-taken-in', detail: 'HTTP 429 too many requests' },
    });
    expect(world.paypro.sent('r-2')).toBe(3);
    expect(world.counter.counts.PayproRateLimited).toBe(3);
    expect(world.counter.counts.PayoutFailed).toBeUndefined();
    expect(world.breakerStore.peek().recentFailures).toHaveLength(1);
    expect(world.caps.snapshot()[`DAY#${DAY}`]).toEqual({ amount: 1500, count: 1 });
  });

  it('does not count a "too many requests" refusal against Paypro’s availability: Paypro answered', async () => {
    // Prepare
    const world = await worldWith(recorded('r-3'));
    world.paypro.answerPayout(
      'r-3',
      failedWith({
        class: 'not-taken-in',
        unavailable: false,
        rateLimited: true,
        detail: 'Paypro asked to slow down',
      }),
    );

    // Act
    const result = await sendOnce(world.deps, recorded('r-3'), FAKE_SECRET);

    // Assess
    expect(result.payout).toMatchObject({
      status: 'PENDING',
      sendFailure: { class: 'not-taken-in', detail: 'Paypro asked to slow down' },
    });
    expect(world.paypro.sent('r-3')).toBe(3);
    expect(world.breakerStore.peek()).toMatchObject({ status: 'closed', recentFailures: [] });
  });
});
