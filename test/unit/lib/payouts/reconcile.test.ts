import { describe, expect, it } from 'vitest';
import type { Payout } from '../../../../lib/payouts/payout';
import { type ReconcileSummary, reconcile } from '../../../../lib/payouts/reconcile';
import { payoutWorld } from '../../../support/fakes/payout-world';

const T0 = '2026-11-24T07:00:00.000Z';
const CHECK_AT = '2026-11-24T07:01:00.000Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const NOTHING: ReconcileSummary = {
  due: 0,
  checked: 0,
  settled: 0,
  resent: 0,
  stillOpen: 0,
  flagged: 0,
  failed: 0,
  skipped: 0,
};

/** An open payout created at T0, due for its first check at CHECK_AT; `sent` when it was handed to Paypro. */
function open(tradeNo: string, sent: boolean): Payout {
  return {
    tradeNo,
    amount: 1500,
    mobile: '254712345678',
    status: 'PENDING',
    requestHash: `hash-${tradeNo}`,
    ...(sent && { sentAt: T0, sendClaim: 'claim' }),
    paypro: {},
    createdAt: T0,
    updatedAt: T0,
    history: [{ at: T0, source: 'api', status: 'PENDING', note: 'payout requested' }],
  };
}

async function worldWith(...payouts: Payout[]) {
  const world = payoutWorld({ start: T0 });
  world.deps.reconcileFlagAfterMs = HOUR;
  for (const payout of payouts) await world.store.create(payout, CHECK_AT);
  return world;
}

describe('reconcile', () => {
  it('leaves payouts alone before their check time', async () => {
    // Prepare
    const world = await worldWith(open('r-0', true));
    world.clock.advance(30_000);

    // Act
    const summary = await reconcile(world.deps);

    // Assess
    expect(summary).toEqual(NOTHING);
    expect(world.paypro.queryCalls).toEqual([]);
  });

  it('moves a sent payout past its check to the state Paypro reports', async () => {
    // Prepare
    const world = await worldWith(open('r-1', true));
    world.paypro.answerQuery('r-1', { amount: '1500.0000', status: '0000', message: 'SUCCESS' });
    world.clock.advance(2 * MINUTE);

    // Act
    const summary = await reconcile(world.deps);

    // Assess
    const at = '2026-11-24T07:02:00.000Z';
    expect(summary).toEqual({ ...NOTHING, due: 1, checked: 1, settled: 1 });
    expect(world.store.all()).toEqual([
      {
        ...open('r-1', true),
        status: 'SUCCEEDED',
        updatedAt: at,
        version: 1,
        paypro: { code: '0000', message: 'SUCCESS' },
        history: [
          ...open('r-1', true).history,
          {
            at,
            source: 'query',
            status: 'SUCCEEDED',
            code: '0000',
            message: 'SUCCESS',
            note: 'reconciler asked Paypro',
          },
        ],
      },
    ]);
    expect(world.store.dueAt('r-1')).toBeUndefined();
  });

  it('sends a payout that was never sent and that Paypro does not know, once', async () => {
    // Prepare
    const world = await worldWith(open('r-2', false));
    world.clock.advance(2 * MINUTE);

    // Act
    const first = await reconcile(world.deps);
    world.clock.advance(HOUR / 2);
    const second = await reconcile(world.deps);

    // Assess
    expect(first).toEqual({ ...NOTHING, due: 1, checked: 1, resent: 1, stillOpen: 1 });
    expect(second).toEqual({ ...NOTHING, due: 1, checked: 1, stillOpen: 1 });
    expect(world.paypro.sent('r-2')).toBe(1);
    expect((await world.store.get('r-2'))?.status).toBe('PROCESSING');
  });

  it('never sends at once a payout that was sent when Paypro says it does not know it: notes it, asks again after RESEND_AFTER_S', async () => {
    // Prepare
    const world = await worldWith(open('r-3', true));
    world.paypro.answerQuery('r-3', 'not-found');
    world.clock.advance(2 * MINUTE);

    // Act
    const summary = await reconcile(world.deps);

    // Assess: the resend rule (test/unit/lib/payouts/resend.test.ts) decides at the second answer.
    expect(summary).toEqual({ ...NOTHING, due: 1, checked: 1, stillOpen: 1 });
    expect(world.paypro.payoutCalls).toEqual([]);
    expect(world.store.all()).toEqual([{ ...open('r-3', true), unknownSince: '2026-11-24T07:02:00.000Z' }]);
    expect(world.store.dueAt('r-3')).toBe('2026-11-24T07:04:00.000Z');
  });

  it('flags a payout still open past the flag age once, and counts it on every run', async () => {
    // Prepare
    const world = await worldWith(open('r-4', true));
    world.paypro.answerQuery('r-4', { amount: '1500.0000', status: '0015', message: 'CREDIT_INPROGRESS' });
    world.clock.advance(2 * HOUR);
    const flaggedAt = '2026-11-24T09:00:00.000Z';

    // Act
    const first = await reconcile(world.deps);
    world.clock.advance(HOUR);
    const second = await reconcile(world.deps);

    // Assess
    expect(first).toEqual({ ...NOTHING, due: 1, checked: 1, stillOpen: 1, flagged: 1 });
    expect(second).toEqual({ ...NOTHING, due: 1, checked: 1, stillOpen: 1, flagged: 1 });
    expect(world.store.all()).toEqual([
      {
        ...open('r-4', true),
        status: 'PROCESSING',
        flaggedAt,
        updatedAt: flaggedAt,
        version: 2,
        paypro: { code: '0015', message: 'CREDIT_INPROGRESS' },
        history: [
          ...open('r-4', true).history,
          {
            at: flaggedAt,
            source: 'query',
            status: 'PROCESSING',
            code: '0015',
            message: 'CREDIT_INPROGRESS',
            note: 'reconciler asked Paypro',
          },
          {
            at: flaggedAt,
            source: 'reconciler',
            note: 'still open past the flag age; needs a human (see docs/operator-guide.md, "Flagged payouts")',
          },
        ],
      },
    ]);
    expect((await world.store.readOutbox('r-4')).map((e) => e.type)).toEqual([
      'Payout Processing',
      'Payout Flagged',
    ]);
    expect(world.counter.counts.PayoutOpenOver24h).toBe(2);
  });

  it('keeps a payout open and counts a failure when Paypro cannot be asked', async () => {
    // Prepare
    const world = await worldWith(open('r-5', true));
    world.paypro.answerQuery('r-5', 'unknown');
    world.clock.advance(2 * MINUTE);

    // Act
    const summary = await reconcile(world.deps);

    // Assess
    expect(summary).toEqual({ ...NOTHING, due: 1, checked: 1, stillOpen: 1, failed: 1 });
    expect(world.store.all()).toEqual([open('r-5', true)]);
  });
});
