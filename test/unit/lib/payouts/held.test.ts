import { describe, expect, it } from 'vitest';
import { createPayout } from '../../../../lib/payouts/create';
import type { Payout } from '../../../../lib/payouts/payout';
import { reconcile } from '../../../../lib/payouts/reconcile';
import type { PayoutRequest } from '../../../../lib/payouts/schema';
import type { BreakerState } from '../../../../lib/paypro/breaker';
import { inMemoryBreaker } from '../../../support/fakes/breaker';
import { payoutWorld } from '../../../support/fakes/payout-world';

/*
 * A single payout posted while Paypro is unavailable: recorded and answered PENDING with nothing
 * sent, then sent once by the reconciler after Paypro is back, with no retry from the app.
 */

const NOW = '2026-11-24T07:00:00.000Z';
const OPENED_AT = '2026-11-24T06:59:30.000Z';
const MINUTE = 60_000;
const REQUEST: PayoutRequest & { tradeNo: string } = {
  tradeNo: 'held-1',
  amount: 1500,
  mobile: '254712345678',
};

const OPEN: BreakerState = {
  version: 1,
  status: 'open',
  recentFailures: [],
  openedAt: OPENED_AT,
  openedBy: "HTTP 503 without Paypro's envelope",
  lastFailure: "HTTP 503 without Paypro's envelope",
  probeAt: OPENED_AT,
};

/** The breaker as a successful probe leaves it: closed at `closedAt`, the ramp starting there. */
function closedAt(at: string): BreakerState {
  return { version: 2, status: 'closed', recentFailures: [], openedAt: OPENED_AT, closedAt: at };
}

describe('createPayout while Paypro is unavailable', () => {
  it('records the payout and answers pending with a held note, sending nothing and claiming nothing', async () => {
    // Prepare
    const world = payoutWorld({ start: NOW });
    await world.breakerStore.write(0, OPEN);

    // Act
    const result = await createPayout(world.deps, REQUEST);

    // Assess
    expect(result.outcome).toBe('pending');
    expect(result.payout).toMatchObject({ tradeNo: 'held-1', status: 'PENDING' });
    expect(result.payout.sentAt).toBeUndefined();
    expect(result.payout.history).toEqual([
      { at: NOW, source: 'api', status: 'PENDING', note: 'payout requested' },
      {
        at: NOW,
        source: 'api',
        note: `held: Paypro unavailable since ${OPENED_AT}; it is sent once Paypro is back`,
      },
    ]);
    expect(world.store.all()).toEqual([result.payout]);
    expect(world.paypro.payoutCalls).toEqual([]);
    expect(world.store.dueAt('held-1')).toBe('2026-11-24T07:01:00.000Z');
  });

  it('says so when the payout waits its turn at the ramp just after Paypro came back', async () => {
    // Prepare
    const world = payoutWorld({ start: NOW });
    await world.breakerStore.write(0, closedAt('2026-11-24T06:59:58.000Z'));
    const { breaker } = inMemoryBreaker({
      log: world.log,
      counter: world.counter,
      now: world.clock.now,
      store: world.breakerStore,
      random: () => 0.99,
    });

    // Act
    const result = await createPayout({ ...world.deps, breaker }, REQUEST);

    // Assess
    expect(result.outcome).toBe('pending');
    expect(result.payout.history.at(-1)).toEqual({
      at: NOW,
      source: 'api',
      note: 'held: Paypro just came back at 2026-11-24T06:59:58.000Z; sending at a ramp, it is sent shortly',
    });
    expect(world.paypro.payoutCalls).toEqual([]);
  });
});

describe('the reconciler and a held payout', () => {
  it('leaves it PENDING while Paypro is down, then sends it once after recovery: no retry from the app', async () => {
    // Prepare: posted during the outage, which ends a minute later.
    const world = payoutWorld({ start: NOW });
    await world.breakerStore.write(0, OPEN);
    await createPayout(world.deps, REQUEST);
    world.clock.advance(2 * MINUTE);

    // Act: a run during the outage, recovery, then a run once the ramp is over.
    const during = await reconcile(world.deps);
    const dueAfterHold = world.store.dueAt('held-1');
    await world.breakerStore.write(1, closedAt('2026-11-24T07:02:30.000Z'));
    world.clock.advance(2 * MINUTE);
    const after = await reconcile(world.deps);

    // Assess
    expect(during).toMatchObject({ due: 1, checked: 1, resent: 0, stillOpen: 1, failed: 0 });
    expect(dueAfterHold).toBe('2026-11-24T07:03:00.000Z');
    expect(after).toMatchObject({ due: 1, checked: 1, resent: 1, stillOpen: 1 });
    expect(world.paypro.sent('held-1')).toBe(1);
    expect(await world.store.get('held-1')).toMatchObject({
      status: 'PROCESSING',
      sentAt: expect.any(String),
    });
  });

  it('checks a long-held payout again at the next run, not after a quarter of its age', async () => {
    // Prepare: recorded two hours ago, never sent, Paypro down since.
    const world = payoutWorld({ start: NOW });
    const old: Payout = {
      tradeNo: 'held-2',
      amount: 1500,
      mobile: '254712345678',
      status: 'PENDING',
      requestHash: 'hash-held-2',
      paypro: {},
      createdAt: '2026-11-24T05:00:00.000Z',
      updatedAt: '2026-11-24T05:00:00.000Z',
      history: [
        { at: '2026-11-24T05:00:00.000Z', source: 'api', status: 'PENDING', note: 'payout requested' },
      ],
    };
    await world.store.create(old, '2026-11-24T06:30:00.000Z');
    await world.breakerStore.write(0, OPEN);

    // Act
    const summary = await reconcile(world.deps);

    // Assess: a quarter of its age would have been 30 minutes; Paypro was not even asked about it.
    expect(summary).toMatchObject({ checked: 1, resent: 0, stillOpen: 1, failed: 0 });
    expect(world.store.dueAt('held-2')).toBe('2026-11-24T07:01:00.000Z');
    expect(world.paypro.payoutCalls).toEqual([]);
    expect(world.paypro.queryCalls).toEqual([]);
  });
});
