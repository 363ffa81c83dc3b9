import { describe, expect, it } from 'vitest';
import { CapExceededError, PayoutConflictError } from '../../../../lib/errors';
import { createPayout, requestHash } from '../../../../lib/payouts/create';
import type { Payout } from '../../../../lib/payouts/payout';
import type { PayoutRequest } from '../../../../lib/payouts/schema';
import { payoutWorld, ROOMY_CAPS } from '../../../support/fakes/payout-world';

const NOW = '2026-11-24T07:00:00.000Z';
const DAY = '2026-11-24';
const MOBILE = '254712345678';
const REQUEST: PayoutRequest & { tradeNo: string } = {
  tradeNo: 'order-1',
  amount: 1500,
  mobile: MOBILE,
  remark: 'salary',
};

/** The payout a created request becomes once Paypro accepted it (0015): PROCESSING, one event. */
function processing(request: PayoutRequest & { tradeNo: string }): Payout {
  return {
    tradeNo: request.tradeNo,
    amount: request.amount,
    mobile: request.mobile,
    ...(request.remark !== undefined && { remark: request.remark }),
    status: 'PROCESSING',
    requestHash: requestHash(request),
    capDay: DAY,
    sentAt: NOW,
    sendClaim: expect.any(String),
    paypro: { code: '0015', message: 'CREDIT_INPROGRESS', serialNumber: `sn-${request.tradeNo}` },
    version: 1,
    createdAt: NOW,
    updatedAt: NOW,
    history: [
      { at: NOW, source: 'api', status: 'PENDING', note: 'payout requested' },
      {
        at: NOW,
        source: 'paypro-payout',
        status: 'PROCESSING',
        code: '0015',
        message: 'CREDIT_INPROGRESS',
        note: 'payout accepted by Paypro',
      },
    ],
  } as Payout;
}

describe('createPayout', () => {
  it('records the payout, sends it to Paypro once and answers created with what Paypro said', async () => {
    // Prepare
    const world = payoutWorld({ start: NOW });

    // Act
    const result = await createPayout(world.deps, REQUEST);

    // Assess
    expect(result).toEqual({ outcome: 'created', payout: processing(REQUEST) });
    expect(world.store.all()).toEqual([result.payout]);
    expect(world.paypro.payoutCalls).toEqual([
      {
        tradeNo: 'order-1',
        amount: 1500,
        mobile: MOBILE,
        remark: 'salary',
        notifyUrl: expect.stringMatching(
          /^https:\/\/payouts\.test\/test\/callbacks\/paypro\/order-1\/[\w-]+$/,
        ),
      },
    ]);
    expect(world.caps.snapshot()).toEqual({
      [`DAY#${DAY}`]: { amount: 1500, count: 1 },
      [`MOBILE#${MOBILE}#${DAY}`]: { amount: 1500, count: 1 },
    });
  });

  it('answers an identical retry with the stored payout: no second Paypro call, no second share of the caps', async () => {
    // Prepare
    const world = payoutWorld({ start: NOW });
    const first = await createPayout(world.deps, REQUEST);
    const capsAfterFirst = world.caps.snapshot();
    world.clock.advance(5_000);

    // Act
    const retry = await createPayout(world.deps, REQUEST);

    // Assess
    expect(retry).toEqual({ outcome: 'replayed', payout: first.payout });
    expect(world.paypro.sent('order-1')).toBe(1);
    expect(world.caps.snapshot()).toEqual(capsAfterFirst);
  });

  it('refuses a different payout under a tradeNo already used with PayoutConflictError, keeping the first', async () => {
    // Prepare
    const world = payoutWorld({ start: NOW });
    const first = await createPayout(world.deps, REQUEST);
    const capsAfterFirst = world.caps.snapshot();

    // Act
    const conflicting = await createPayout(world.deps, { ...REQUEST, amount: 2500 }).catch((e: unknown) => e);

    // Assess
    expect(conflicting).toBeInstanceOf(PayoutConflictError);
    expect(world.store.all()).toEqual([first.payout]);
    expect(world.paypro.sent('order-1')).toBe(1);
    expect(world.caps.snapshot()).toEqual(capsAfterFirst);
  });

  it("refuses a payout over the recipient's daily cap with CapExceededError, writing, recording and sending nothing", async () => {
    // Prepare
    const world = payoutWorld({ start: NOW, dailyCaps: { ...ROOMY_CAPS, recipientDailyMaxAmount: 1000 } });

    // Act
    const refused = await createPayout(world.deps, REQUEST).catch((e: unknown) => e);

    // Assess
    expect(refused).toBeInstanceOf(CapExceededError);
    expect({ ...(refused as CapExceededError) }).toEqual({
      name: 'CapExceededError',
      cap: 'recipientDailyAmount',
      limit: 1000,
      remaining: 1000,
      day: DAY,
      problems: [],
      problemCount: 0,
    });
    expect(world.caps.writes).toBe(0);
    expect(world.store.all()).toEqual([]);
    expect(world.paypro.payoutCalls).toEqual([]);
  });

  it("refuses a payout over what is left of the day's cap, leaving the day's counters as they were", async () => {
    // Prepare
    const world = payoutWorld({ start: NOW, dailyCaps: { ...ROOMY_CAPS, dailyMaxAmount: 2000 } });
    const first = await createPayout(world.deps, REQUEST);
    const capsAfterFirst = world.caps.snapshot();

    // Act
    const refused = await createPayout(world.deps, {
      ...REQUEST,
      tradeNo: 'order-2',
      mobile: '254722000111',
    }).catch((e: unknown) => e);

    // Assess
    expect(refused).toBeInstanceOf(CapExceededError);
    expect({ ...(refused as CapExceededError) }).toEqual({
      name: 'CapExceededError',
      cap: 'dailyAmount',
      limit: 2000,
      remaining: 500,
      day: DAY,
      problems: [],
      problemCount: 0,
    });
    expect(world.store.all()).toEqual([first.payout]);
    expect(world.paypro.payoutCalls.map((call) => call.tradeNo)).toEqual(['order-1']);
    expect(world.caps.snapshot()).toEqual({
      ...capsAfterFirst,
      [`MOBILE#254722000111#${DAY}`]: { amount: 0, count: 0 },
    });
  });

  it('answers pending and leaves the payout PENDING, sent, for the reconciler when Paypro’s answer is lost', async () => {
    // Prepare
    const world = payoutWorld({ start: NOW });
    world.paypro.answerPayout('order-1', 'unknown');

    // Act
    const result = await createPayout(world.deps, REQUEST);

    // Assess
    const [requested] = processing(REQUEST).history;
    expect(result).toEqual({
      outcome: 'pending',
      payout: {
        ...processing(REQUEST),
        status: 'PENDING',
        paypro: {},
        version: undefined,
        // The fake's 'unknown' carries no transport failure: an answer it cannot read, ambiguous.
        sendFailure: { class: 'ambiguous', detail: 'timed out (fake Paypro)', at: NOW },
        history: [
          requested,
          { at: NOW, source: 'paypro-payout', note: 'send failed, ambiguous: timed out (fake Paypro)' },
        ],
      },
    });
    expect(world.store.all()).toEqual([result.payout]);
    // Due at once, not after RECONCILE_MIN_AGE_S: its failed send is what the reconciler must see.
    expect(world.store.dueAt('order-1')).toBe(NOW);
  });
});
