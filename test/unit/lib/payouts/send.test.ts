import { describe, expect, it } from 'vitest';
import { reserveCaps } from '../../../../lib/limits/caps';
import type { Payout } from '../../../../lib/payouts/payout';
import { sendOnce } from '../../../../lib/payouts/send';
import { payoutWorld } from '../../../support/fakes/payout-world';
import { accepted } from '../../../support/fakes/paypro';
import { FAKE_SECRET } from '../../../support/fakes/secrets';

const NOW = '2026-11-24T07:00:00.000Z';
const DAY = '2026-11-24';
const MOBILE = '254712345678';

/** A recorded payout not yet sent, its share of the caps reserved on DAY. */
function recorded(tradeNo: string): Payout {
  return {
    tradeNo,
    amount: 1500,
    mobile: MOBILE,
    status: 'PENDING',
    requestHash: `hash-${tradeNo}`,
    capDay: DAY,
    paypro: {},
    createdAt: NOW,
    updatedAt: NOW,
    history: [{ at: NOW, source: 'api', status: 'PENDING', note: 'payout requested' }],
  };
}

/** A world holding `payout`, recorded and its share reserved, as createPayout leaves it before sending. */
async function worldWith(payout: Payout) {
  const world = payoutWorld({ start: NOW });
  await reserveCaps(world.deps, DAY, [{ mobile: payout.mobile, amount: payout.amount, count: 1 }]);
  await world.store.create(payout, '2026-11-24T07:01:00.000Z');
  return world;
}

describe('sendOnce', () => {
  it('claims the payout, sends it to Paypro and records the answer', async () => {
    // Prepare
    const world = await worldWith(recorded('s-1'));

    // Act
    const result = await sendOnce(world.deps, recorded('s-1'), FAKE_SECRET);

    // Assess
    expect(result).toEqual({
      kind: 'known',
      payout: {
        ...recorded('s-1'),
        status: 'PROCESSING',
        sentAt: NOW,
        sendClaim: expect.any(String),
        paypro: { code: '0015', message: 'CREDIT_INPROGRESS', serialNumber: 'sn-s-1' },
        version: 1,
        history: [
          ...recorded('s-1').history,
          {
            at: NOW,
            source: 'paypro-payout',
            status: 'PROCESSING',
            code: '0015',
            message: 'CREDIT_INPROGRESS',
            note: 'payout accepted by Paypro',
          },
        ],
      },
    });
    expect(world.store.all()).toEqual([result.payout]);
    expect(world.paypro.sent('s-1')).toBe(1);
  });

  it('does not call Paypro for a payout already sent: a second send, even from a stale copy, is not-sent', async () => {
    // Prepare
    const world = await worldWith(recorded('s-2'));
    const first = await sendOnce(world.deps, recorded('s-2'), FAKE_SECRET);
    world.clock.advance(1_000);

    // Act
    const second = await sendOnce(world.deps, recorded('s-2'), FAKE_SECRET);

    // Assess
    expect(second).toEqual({ kind: 'not-sent', payout: recorded('s-2') });
    expect(world.paypro.sent('s-2')).toBe(1);
    expect(world.store.all()).toEqual([first.payout]);
  });

  it('never sends a payout that is no longer PENDING (Paypro took it)', async () => {
    // Prepare
    const world = await worldWith(recorded('s-3'));
    const { payout: processing } = await sendOnce(world.deps, recorded('s-3'), FAKE_SECRET);

    // Act
    const again = await sendOnce(world.deps, processing, FAKE_SECRET);

    // Assess
    expect(again).toEqual({ kind: 'not-sent', payout: processing });
    expect(world.paypro.sent('s-3')).toBe(1);
  });

  it('fails a payout Paypro refuses and does not know, and gives its share of the caps back', async () => {
    // Prepare
    const world = await worldWith(recorded('s-4'));
    world.paypro.answerPayout('s-4', { kind: 'rejected', code: '1001', message: 'INVALID_MOBILE' });

    // Act
    const result = await sendOnce(world.deps, recorded('s-4'), FAKE_SECRET);

    // Assess
    expect(result).toEqual({
      kind: 'known',
      payout: {
        ...recorded('s-4'),
        status: 'FAILED',
        sentAt: NOW,
        sendClaim: expect.any(String),
        paypro: { code: '1001', message: 'INVALID_MOBILE' },
        version: 1,
        history: [
          ...recorded('s-4').history,
          {
            at: NOW,
            source: 'paypro-payout',
            status: 'FAILED',
            code: '1001',
            message: 'INVALID_MOBILE',
            note: 'payout request refused by Paypro (1001 INVALID_MOBILE); unknown to Paypro',
          },
        ],
      },
    });
    expect(world.paypro.queryCalls).toEqual(['s-4']);
    expect(world.caps.snapshot()).toEqual({
      [`DAY#${DAY}`]: { amount: 0, count: 0 },
      [`MOBILE#${MOBILE}#${DAY}`]: { amount: 0, count: 0 },
    });
  });

  it('applies Paypro’s query when Paypro refuses the request but knows the payout', async () => {
    // Prepare
    const world = await worldWith(recorded('s-5'));
    world.paypro
      .answerPayout('s-5', { kind: 'rejected', code: '1010', message: 'DUPLICATE_TRADE_NO' })
      .answerQuery('s-5', {
        amount: '1500.0000',
        status: '0000',
        message: 'SUCCESS',
        platFormTradeNo: 'pf-5',
      });

    // Act
    const result = await sendOnce(world.deps, recorded('s-5'), FAKE_SECRET);

    // Assess
    expect(result).toEqual({
      kind: 'known',
      payout: {
        ...recorded('s-5'),
        status: 'SUCCEEDED',
        sentAt: NOW,
        sendClaim: expect.any(String),
        paypro: { code: '0000', message: 'SUCCESS', platFormTradeNo: 'pf-5' },
        version: 1,
        history: [
          ...recorded('s-5').history,
          {
            at: NOW,
            source: 'query',
            status: 'SUCCEEDED',
            code: '0000',
            message: 'SUCCESS',
            note: 'payout request refused by Paypro (1010 DUPLICATE_TRADE_NO); Paypro query knows it',
          },
        ],
      },
    });
    expect(world.caps.snapshot()).toEqual({
      [`DAY#${DAY}`]: { amount: 1500, count: 1 },
      [`MOBILE#${MOBILE}#${DAY}`]: { amount: 1500, count: 1 },
    });
  });
});

/** A FloatCheckRequests that remembers every request, or fails each one when `failing`. */
function recordingFloatChecks(failing = false) {
  const requests: Array<{ at: string; reason: string }> = [];
  return {
    requests,
    async request(at: string, reason: string) {
      if (failing) throw new Error('float state table unavailable');
      requests.push({ at, reason });
    },
  };
}

describe('sendOnce: a payout Paypro refuses for lack of funds', () => {
  const LACK_OF_FUNDS =
    "Paypro refused the payout for lack of funds in the merchant's Paypro balance (float)";

  it('fails it, says why in its history with Paypro’s code and message verbatim, and asks for a float check', async () => {
    // Prepare
    const world = await worldWith(recorded('f-1'));
    const floatChecks = recordingFloatChecks();
    world.paypro.answerPayout('f-1', accepted('f-1', '00051', 'INSUFFICIENT_BALANCE'));

    // Act
    const result = await sendOnce({ ...world.deps, floatChecks }, recorded('f-1'), FAKE_SECRET);

    // Assess
    expect(result).toEqual({
      kind: 'known',
      payout: {
        ...recorded('f-1'),
        status: 'FAILED',
        sentAt: NOW,
        sendClaim: expect.any(String),
        paypro: { code: '00051', message: 'INSUFFICIENT_BALANCE', serialNumber: 'sn-f-1' },
        version: 1,
        history: [
          ...recorded('f-1').history,
          {
            at: NOW,
            source: 'paypro-payout',
            status: 'FAILED',
            code: '00051',
            message: 'INSUFFICIENT_BALANCE',
            note: `payout accepted by Paypro; ${LACK_OF_FUNDS}`,
          },
        ],
      },
    });
    expect(floatChecks.requests).toEqual([{ at: NOW, reason: 'payout f-1 refused for lack of funds' }]);
  });

  it('recognises a first-layer refusal for lack of funds once Paypro’s query does not know the payout', async () => {
    // Prepare
    const world = await worldWith(recorded('f-2'));
    const floatChecks = recordingFloatChecks();
    world.paypro.answerPayout('f-2', {
      kind: 'rejected',
      code: '2009',
      message: 'Merchant balance not enough',
    });

    // Act
    const result = await sendOnce({ ...world.deps, floatChecks }, recorded('f-2'), FAKE_SECRET);

    // Assess
    expect(result.payout.status).toBe('FAILED');
    expect(result.payout.history.at(-1)).toEqual({
      at: NOW,
      source: 'paypro-payout',
      status: 'FAILED',
      code: '2009',
      message: 'Merchant balance not enough',
      note: `payout request refused by Paypro (2009 Merchant balance not enough); unknown to Paypro; ${LACK_OF_FUNDS}`,
    });
    expect(floatChecks.requests).toHaveLength(1);
  });

  it('still fails the payout, only logging a warning, when the float check cannot be asked for', async () => {
    // Prepare
    const world = await worldWith(recorded('f-3'));
    world.paypro.answerPayout('f-3', accepted('f-3', '00051', 'INSUFFICIENT_BALANCE'));

    // Act
    const result = await sendOnce(
      { ...world.deps, floatChecks: recordingFloatChecks(true) },
      recorded('f-3'),
      FAKE_SECRET,
    );

    // Assess
    expect(result.kind).toBe('known');
    expect(world.store.all()).toEqual([result.payout]);
    expect(result.payout.status).toBe('FAILED');
    expect(world.log.lines).toContainEqual({
      level: 'warn',
      message: 'could not ask for a float check',
    });
    expect(world.caps.snapshot()).toEqual({
      [`DAY#${DAY}`]: { amount: 0, count: 0 },
      [`MOBILE#${MOBILE}#${DAY}`]: { amount: 0, count: 0 },
    });
  });

  it('asks for no float check when a payout fails for another reason', async () => {
    // Prepare
    const world = await worldWith(recorded('f-4'));
    const floatChecks = recordingFloatChecks();
    world.paypro.answerPayout('f-4', accepted('f-4', '00029', 'REJECTED_TRANSACTION'));

    // Act
    const result = await sendOnce({ ...world.deps, floatChecks }, recorded('f-4'), FAKE_SECRET);

    // Assess
    expect(result.payout.status).toBe('FAILED');
    expect(result.payout.history.at(-1)?.note).toBe('payout accepted by Paypro');
    expect(floatChecks.requests).toEqual([]);
  });
});
