import { describe, expect, it } from 'vitest';
import { reserveCaps } from '../../../../lib/limits/caps';
import type { Payout } from '../../../../lib/payouts/payout';
import { settle } from '../../../../lib/payouts/settle';
import { payoutWorld } from '../../../support/fakes/payout-world';

const T0 = '2026-11-24T07:00:00.000Z';
const T1 = '2026-11-24T07:00:05.000Z';
const T2 = '2026-11-24T07:00:10.000Z';
const DAY = '2026-11-24';
const MOBILE = '254712345678';

const PAID = { status: '0000', message: 'SUCCESS', platFormTradeNo: 'pf-1', successTime: T1 };
const IN_PROGRESS = { status: '0015', message: 'CREDIT_INPROGRESS' };
const DECLINED = { status: '2001', message: 'INSUFFICIENT_BALANCE' };

function recorded(tradeNo: string): Payout {
  return {
    tradeNo,
    amount: 1500,
    mobile: MOBILE,
    status: 'PENDING',
    requestHash: `hash-${tradeNo}`,
    capDay: DAY,
    sentAt: T0,
    sendClaim: 'claim',
    paypro: {},
    createdAt: T0,
    updatedAt: T0,
    history: [{ at: T0, source: 'api', status: 'PENDING', note: 'payout requested' }],
  };
}

/** A world holding a sent payout, its share reserved, the clock at T1. */
async function worldWith(payout: Payout) {
  const world = payoutWorld({ start: T0 });
  await reserveCaps(world.deps, DAY, [{ mobile: payout.mobile, amount: payout.amount, count: 1 }]);
  await world.store.create(payout, T1);
  world.clock.advance(5_000);
  return world;
}

describe('settle', () => {
  it('moves a payout to what Paypro reports, with its details, history and one event', async () => {
    // Prepare
    const world = await worldWith(recorded('p-1'));

    // Act
    const result = await settle(world.deps, recorded('p-1'), PAID, 'callback', { raw: '{"status":"0000"}' });

    // Assess
    const succeeded: Payout = {
      ...recorded('p-1'),
      status: 'SUCCEEDED',
      updatedAt: T1,
      version: 1,
      paypro: { code: '0000', message: 'SUCCESS', platFormTradeNo: 'pf-1', successTime: T1 },
      history: [
        ...recorded('p-1').history,
        {
          at: T1,
          source: 'callback',
          status: 'SUCCEEDED',
          code: '0000',
          message: 'SUCCESS',
          raw: '{"status":"0000"}',
        },
      ],
    };
    expect(result).toEqual({ outcome: 'applied', payout: succeeded });
    expect(world.store.all()).toEqual([succeeded]);
    expect((await world.store.readOutbox('p-1')).map((e) => [e.eventId, e.type])).toEqual([
      ['p-1:1', 'Payout Succeeded'],
    ]);
  });

  it('ignores a duplicate report: nothing written, no second event', async () => {
    // Prepare
    const world = await worldWith(recorded('p-2'));
    const first = await settle(world.deps, recorded('p-2'), PAID, 'callback');
    world.clock.advance(5_000);

    // Act
    const duplicate = await settle(world.deps, first.payout, PAID, 'callback');

    // Assess
    expect(duplicate).toEqual({ outcome: 'unchanged', payout: first.payout });
    expect(world.store.all()).toEqual([first.payout]);
    expect(await world.store.readOutbox('p-2')).toHaveLength(1);
  });

  it('ignores a late "in progress" from a stale copy once the payout is final', async () => {
    // Prepare
    const world = await worldWith(recorded('p-3'));
    const final = await settle(world.deps, recorded('p-3'), PAID, 'callback');
    world.clock.advance(5_000);

    // Act
    const late = await settle(world.deps, recorded('p-3'), IN_PROGRESS, 'callback');

    // Assess
    expect(late).toEqual({ outcome: 'unchanged', payout: final.payout });
    expect(world.store.all()).toEqual([final.payout]);
  });

  it('keeps a final state final: a contradicting report is only noted, as an anomaly with its event', async () => {
    // Prepare
    const world = await worldWith(recorded('p-4'));
    const final = await settle(world.deps, recorded('p-4'), PAID, 'callback');
    world.clock.advance(5_000);

    // Act
    const contradiction = await settle(world.deps, recorded('p-4'), DECLINED, 'query');

    // Assess
    const note = 'anomaly: Paypro reported 2001 but the payout is SUCCEEDED; not applied';
    const noted: Payout = {
      ...final.payout,
      updatedAt: T2,
      version: 2,
      history: [
        ...final.payout.history,
        { at: T2, source: 'query', code: '2001', message: 'INSUFFICIENT_BALANCE', note },
      ],
    };
    expect(contradiction).toEqual({ outcome: 'anomaly', payout: noted });
    expect(world.store.all()).toEqual([noted]);
    expect((await world.store.readOutbox('p-4')).map((e) => e.type)).toEqual([
      'Payout Succeeded',
      'Payout Anomaly',
    ]);
    expect(world.counter.counts.PayoutAnomaly).toBe(1);
  });

  it('gives the share of the caps back once when a payout ends FAILED, however often it is reported', async () => {
    // Prepare
    const world = await worldWith(recorded('p-5'));

    // Act
    const failed = await settle(world.deps, recorded('p-5'), DECLINED, 'callback');
    const again = await settle(world.deps, recorded('p-5'), DECLINED, 'query');

    // Assess
    expect([failed.outcome, again.outcome]).toEqual(['applied', 'unchanged']);
    expect(again.payout).toEqual(failed.payout);
    expect(world.caps.snapshot()).toEqual({
      [`DAY#${DAY}`]: { amount: 0, count: 0 },
      [`MOBILE#${MOBILE}#${DAY}`]: { amount: 0, count: 0 },
    });
  });
});

describe('settle: a failure for lack of funds', () => {
  it('notes the lack of funds beside the note given, and asks for one float check however often it is reported', async () => {
    // Prepare
    const world = await worldWith(recorded('p-6'));
    const requests: Array<{ at: string; reason: string }> = [];
    const deps = {
      ...world.deps,
      floatChecks: { request: async (at: string, reason: string) => void requests.push({ at, reason }) },
    };

    // Act
    const failed = await settle(deps, recorded('p-6'), DECLINED, 'callback', { raw: '{"status":"2001"}' });
    const again = await settle(deps, failed.payout, DECLINED, 'query', { note: 'reconciler asked Paypro' });

    // Assess
    expect(failed.payout.history.at(-1)).toEqual({
      at: T1,
      source: 'callback',
      status: 'FAILED',
      code: '2001',
      message: 'INSUFFICIENT_BALANCE',
      raw: '{"status":"2001"}',
      note: "Paypro refused the payout for lack of funds in the merchant's Paypro balance (float)",
    });
    expect(again.outcome).toBe('unchanged');
    expect(requests).toEqual([{ at: T1, reason: 'payout p-6 refused for lack of funds' }]);
  });
});
