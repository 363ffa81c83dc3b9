import { describe, expect, it } from 'vitest';
import type { Payout } from '../../../../lib/payouts/payout';
import { reconcile } from '../../../../lib/payouts/reconcile';
import type { TransportFailure } from '../../../../lib/paypro/transport';
import { payoutWorld } from '../../../support/fakes/payout-world';

/*
 * The resend rule, through the reconciler as it runs: a payout that was sent and that Paypro's
 * query does not know. RESEND_AFTER_S is 120 s and MAX_RESENDS 3 in payoutWorld.
 */

const T0 = '2026-11-24T07:00:00.000Z';
const CHECK_AT = '2026-11-24T07:01:00.000Z';
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const NOT_TAKEN_IN = "HTTP 503 without Paypro's envelope";
const AMBIGUOUS = 'no answer in time';

/** A payout created and sent at T0 whose send failed as `failure` says (nothing recorded when undefined). */
function sent(tradeNo: string, failure?: 'not-taken-in' | 'ambiguous'): Payout {
  return {
    tradeNo,
    amount: 1500,
    mobile: '254712345678',
    status: 'PENDING',
    requestHash: `hash-${tradeNo}`,
    sentAt: T0,
    sendClaim: 'claim-1',
    ...(failure && {
      sendFailure: { class: failure, detail: failure === 'not-taken-in' ? NOT_TAKEN_IN : AMBIGUOUS, at: T0 },
    }),
    paypro: {},
    createdAt: T0,
    updatedAt: T0,
    history: [{ at: T0, source: 'api', status: 'PENDING', note: 'payout requested' }],
  };
}

async function worldWith(...payouts: Payout[]) {
  const world = payoutWorld({ start: T0 });
  for (const payout of payouts) await world.store.create(payout, CHECK_AT);
  return world;
}

type World = Awaited<ReturnType<typeof worldWith>>;

/** Moves the clock by `ms`, then runs the reconciler once. */
async function runAfter(world: World, ms: number) {
  world.clock.advance(ms);
  return reconcile(world.deps);
}

/** The history notes the reconciler wrote on a payout. */
async function reconcilerNotes(world: World, tradeNo: string): Promise<string[]> {
  const payout = await world.store.get(tradeNo);
  return (payout?.history ?? []).filter((h) => h.source === 'reconciler').map((h) => h.note ?? '');
}

const unavailable: TransportFailure = {
  class: 'not-taken-in',
  unavailable: true,
  rateLimited: false,
  detail: NOT_TAKEN_IN,
};

describe('the resend rule: a sent payout that Paypro does not know', () => {
  it('sends a payout not taken in again, with the same tradeNo, once Paypro has twice said RESEND_AFTER_S apart that it does not know it', async () => {
    // Prepare
    const world = await worldWith(sent('nt-1', 'not-taken-in'));

    // Act
    const first = await runAfter(world, 2 * MINUTE);
    const afterFirst = await world.store.get('nt-1');
    const second = await runAfter(world, 2 * MINUTE);

    // Assess: the first answer is noted and the payout looked at again 120 s later, not an age's back-off later.
    expect(first).toMatchObject({ checked: 1, resent: 0, stillOpen: 1 });
    expect(afterFirst?.unknownSince).toBe('2026-11-24T07:02:00.000Z');
    expect(second).toMatchObject({ checked: 1, resent: 1 });
    expect(world.paypro.payoutCalls.map((call) => call.tradeNo)).toEqual(['nt-1']);
    const payout = await world.store.get('nt-1');
    expect(payout).toMatchObject({ status: 'PROCESSING', resends: 1 });
    expect(payout?.unknownSince).toBeUndefined();
    expect(await reconcilerNotes(world, 'nt-1')).toEqual([
      `sent again with the same tradeNo (1 of at most 3): its send at ${T0} was not taken in (${NOT_TAKEN_IN}), ` +
        "and Paypro's query did not know it at 2026-11-24T07:02:00.000Z nor at 2026-11-24T07:04:00.000Z (1005 ORDER_NOT_EXIST)",
    ]);
    expect(world.counter.counts.PayoutResent).toBe(1);
  });

  it('never sends again before the second unknown answer, RESEND_AFTER_S after the first', async () => {
    // Prepare
    const world = await worldWith(sent('nt-2', 'not-taken-in'));
    await runAfter(world, 2 * MINUTE);

    // Act: runs every 30 s until a second before RESEND_AFTER_S has passed, then one more.
    const early = [];
    for (let i = 0; i < 3; i += 1) early.push(await runAfter(world, 30 * SECOND));
    early.push(await runAfter(world, 29 * SECOND));
    const onTime = await runAfter(world, SECOND);

    // Assess
    expect(early.map((s) => s.resent)).toEqual([0, 0, 0, 0]);
    expect(onTime.resent).toBe(1);
    expect(world.paypro.sent('nt-2')).toBe(1);
  });

  it('never sends again a payout whose send was ambiguous, and flags it once with what is known', async () => {
    // Prepare
    const world = await worldWith(sent('am-1', 'ambiguous'));

    // Act: runs long past RESEND_AFTER_S.
    const summaries = [];
    for (const ms of [2 * MINUTE, 2 * MINUTE, 10 * MINUTE, 60 * MINUTE])
      summaries.push(await runAfter(world, ms));

    // Assess
    expect(world.paypro.payoutCalls).toEqual([]);
    expect(summaries.map((s) => s.flagged)).toEqual([0, 1, 0, 0]);
    const payout = await world.store.get('am-1');
    expect(payout).toMatchObject({ status: 'PENDING', sentAt: T0, flaggedAt: '2026-11-24T07:04:00.000Z' });
    expect(await reconcilerNotes(world, 'am-1')).toEqual([
      "Paypro's query has not known it since 2026-11-24T07:02:00.000Z (1005 ORDER_NOT_EXIST), although it was " +
        `sent at ${T0}; its send may have reached Paypro (${AMBIGUOUS}). Never sent again by itself: check with ` +
        'Paypro, then resend it (POST /admin/payouts/{tradeNo}/resend) or resolve it (docs/operator-guide.md, "Flagged payouts")',
    ]);
    expect((await world.store.readOutbox('am-1')).map((e) => e.type)).toEqual(['Payout Flagged']);
    expect(world.counter.counts.PayoutFlaggedUnknown).toBe(1);
  });

  it('treats a sent payout with no recorded send failure as ambiguous: flagged, never sent again', async () => {
    // Prepare
    const world = await worldWith(sent('nf-1'));

    // Act
    await runAfter(world, 2 * MINUTE);
    const second = await runAfter(world, 2 * MINUTE);

    // Assess
    expect(second.flagged).toBe(1);
    expect(world.paypro.payoutCalls).toEqual([]);
    expect((await reconcilerNotes(world, 'nf-1'))[0]).toContain(
      'nothing recorded shows that its send never reached Paypro. Never sent again by itself',
    );
  });

  it('never sends again a payout Paypro knows or once took in, and counts unknown answers afresh after one that knows it', async () => {
    // Prepare: Paypro did not know it at first, then answers that it is paying it.
    const world = await worldWith(sent('kn-1', 'not-taken-in'));
    await runAfter(world, 2 * MINUTE);
    world.paypro.answerQuery('kn-1', { amount: '1500.0000', status: '0015', message: 'CREDIT_INPROGRESS' });

    // Act
    const known = await runAfter(world, 2 * MINUTE);
    world.paypro.answerQuery('kn-1', 'not-found');
    await runAfter(world, 10 * MINUTE);
    await runAfter(world, 10 * MINUTE);

    // Assess: the unknown answers count afresh from 07:14, and Paypro once took it in (PROCESSING), so it is flagged.
    expect(known).toMatchObject({ checked: 1, resent: 0 });
    expect(world.paypro.payoutCalls).toEqual([]);
    const payout = await world.store.get('kn-1');
    expect(payout).toMatchObject({
      status: 'PROCESSING',
      unknownSince: '2026-11-24T07:14:00.000Z',
      flaggedAt: '2026-11-24T07:24:00.000Z',
    });
    expect(payout?.resends).toBeUndefined();
  });

  it('never sends one payout again more than MAX_RESENDS times, and then flags it', async () => {
    // Prepare: MAX_RESENDS 2; every send of it fails before Paypro takes it in.
    const world = await worldWith(sent('mx-1', 'not-taken-in'));
    world.deps.maxResends = 2;
    world.paypro.answerPayout('mx-1', 'unknown');
    const failedAgain = () =>
      world.store.patch('mx-1', {
        sendFailure: { class: 'not-taken-in', detail: NOT_TAKEN_IN, at: world.clock.now().toISOString() },
      });

    // Act: each round is an unknown answer, then a second one 2 minutes later.
    for (let round = 0; round < 4; round += 1) {
      await runAfter(world, 2 * MINUTE);
      await runAfter(world, 2 * MINUTE);
      if ((await world.store.get('mx-1'))?.sentAt !== T0) failedAgain();
    }

    // Assess
    expect(world.paypro.sent('mx-1')).toBe(2);
    const payout = await world.store.get('mx-1');
    expect(payout).toMatchObject({ status: 'PENDING', resends: 2, flaggedAt: expect.any(String) });
    const notes = await reconcilerNotes(world, 'mx-1');
    expect(notes.filter((n) => n.startsWith('sent again with the same tradeNo'))).toHaveLength(2);
    expect(notes.at(-1)).toContain(
      `sent again 2 times already (MAX_RESENDS 2), the last not taken in (${NOT_TAKEN_IN}). Never sent again by itself`,
    );
    expect(world.counter.counts.PayoutResent).toBe(2);
  });

  it('never sends again while the breaker does not admit money calls, and sends once it does', async () => {
    // Prepare: the breaker opens on five unavailability failures.
    const world = await worldWith(sent('br-1', 'not-taken-in'));
    for (let i = 0; i < 5; i += 1) await world.breaker.recordFailure(unavailable);
    await runAfter(world, 2 * MINUTE);

    // Act
    const whileOpen = await runAfter(world, 2 * MINUTE);
    const dueAgain = world.store.dueAt('br-1');
    const state = world.breakerStore.peek();
    await world.breakerStore.write(state.version, {
      version: state.version + 1,
      status: 'closed',
      recentFailures: [],
    });
    const afterClose = await runAfter(world, MINUTE);

    // Assess: held, and looked at again a minute later (RECONCILE_MIN_AGE_S), not an age's back-off later.
    expect(whileOpen).toMatchObject({ checked: 1, resent: 0 });
    expect(dueAgain).toBe('2026-11-24T07:05:00.000Z');
    expect(afterClose).toMatchObject({ checked: 1, resent: 1 });
    expect(world.paypro.sent('br-1')).toBe(1);
  });
});
