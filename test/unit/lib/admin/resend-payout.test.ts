import { describe, expect, it } from 'vitest';
import { type ResendPayoutDeps, resendPayout } from '../../../../lib/admin/resend-payout';
import { PayproUnavailableError, ResendRefusedError, ValidationError } from '../../../../lib/errors';
import type { Payout, PayoutStatus } from '../../../../lib/payouts/payout';
import type { TransportFailure } from '../../../../lib/paypro/transport';
import { payoutWorld } from '../../../support/fakes/payout-world';

const T0 = '2026-11-24T07:00:00.000Z';
const NOW = '2026-11-25T08:00:00.000Z';
const OPERATOR = 'arn:aws:iam::123456789012:user/ops-alice';
const REASON = 'Paypro ticket 4411: they never received it';

/** A payout created and sent at T0 whose send timed out (ambiguous), flagged since: what an operator checks. */
function flaggedAmbiguous(tradeNo: string, status: PayoutStatus = 'PENDING'): Payout {
  return {
    tradeNo,
    amount: 1500,
    mobile: '254712345678',
    status,
    requestHash: `hash-${tradeNo}`,
    sentAt: T0,
    sendClaim: 'claim-1',
    sendFailure: { class: 'ambiguous', detail: 'no answer in time', at: T0 },
    flaggedAt: '2026-11-24T07:04:00.000Z',
    paypro: {},
    createdAt: T0,
    updatedAt: T0,
    history: [{ at: T0, source: 'api', status: 'PENDING', note: 'payout requested' }],
  };
}

async function worldWith(...payouts: Payout[]) {
  const world = payoutWorld({ start: NOW });
  for (const payout of payouts) await world.store.create(payout, NOW);
  const deps: ResendPayoutDeps = world.deps;
  return { ...world, deps };
}

/** What a refused call threw, so Assess can look at it. */
const refusal = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('an operator resends a payout (POST /admin/payouts/{tradeNo}/resend)', () => {
  it('sends an ambiguous flagged payout again with the same tradeNo, recording who and why', async () => {
    // Prepare
    const world = await worldWith(flaggedAmbiguous('op-1'));

    // Act
    const result = await resendPayout(world.deps, 'op-1', { reason: REASON }, OPERATOR);

    // Assess
    expect(world.paypro.queryCalls).toEqual(['op-1']);
    expect(world.paypro.payoutCalls.map((call) => call.tradeNo)).toEqual(['op-1']);
    expect(result.answered).toBe(true);
    expect(result.payout).toMatchObject({ status: 'PROCESSING', resends: 1, sentAt: NOW });
    const stored = await world.store.get('op-1');
    expect(stored?.history.filter((h) => h.source === 'operator')).toEqual([
      {
        at: NOW,
        source: 'operator',
        operator: OPERATOR,
        reason: REASON,
        note:
          "sent again by an operator with the same tradeNo; Paypro's query did not know it (1005 ORDER_NOT_EXIST); " +
          `sent before at ${T0} (ambiguous: no answer in time)`,
      },
    ]);
    expect(world.counter.counts.PayoutResent).toBe(1);
  });

  it('refuses with 409 a payout Paypro knows, saying what Paypro said, and sends nothing', async () => {
    // Prepare
    const world = await worldWith(flaggedAmbiguous('op-2'));
    world.paypro.answerQuery('op-2', { amount: '1500.0000', status: '0000', message: 'SUCCESS' });

    // Act
    const error = await refusal(resendPayout(world.deps, 'op-2', { reason: REASON }, OPERATOR));

    // Assess
    expect(error).toBeInstanceOf(ResendRefusedError);
    expect(error).toMatchObject({
      status: 'PENDING',
      paypro: '0000 SUCCESS, amount 1500.0000',
      message:
        "Payout op-2 was not sent again: Paypro's query knows it (0000 SUCCESS, amount 1500.0000); " +
        'the reconciler applies what it says.',
    });
    expect(world.paypro.payoutCalls).toEqual([]);
    expect(await world.store.get('op-2')).toEqual(flaggedAmbiguous('op-2'));
  });

  it('refuses with 409 a final payout without asking Paypro, and a PROCESSING one Paypro does not know', async () => {
    // Prepare
    const world = await worldWith(flaggedAmbiguous('op-3', 'FAILED'), flaggedAmbiguous('op-4', 'PROCESSING'));

    // Act
    const final = await refusal(resendPayout(world.deps, 'op-3', { reason: REASON }, OPERATOR));
    const processing = await refusal(resendPayout(world.deps, 'op-4', { reason: REASON }, OPERATOR));

    // Assess
    expect(final).toMatchObject({
      status: 'FAILED',
      message: 'Payout op-3 was not sent again: it is already FAILED.',
    });
    expect(processing).toMatchObject({
      status: 'PROCESSING',
      message:
        'Payout op-4 was not sent again: it is PROCESSING: Paypro accepted a send of it, so only a PENDING payout is sent again.',
    });
    expect(world.paypro.queryCalls).toEqual(['op-4']);
    expect(world.paypro.payoutCalls).toEqual([]);
  });

  it('answers 400 naming the reason when it is missing, blank or not text, and asks or sends nothing', async () => {
    // Prepare
    const world = await worldWith(flaggedAmbiguous('op-5'));

    // Act
    const errors = await Promise.all(
      [{}, { reason: '   ' }, { reason: 7 }, { reason: REASON, force: true }, 'resend'].map((body) =>
        refusal(resendPayout(world.deps, 'op-5', body, OPERATOR)),
      ),
    );

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(ValidationError);
    expect(errors.map((e) => (e as ValidationError).problems)).toEqual([
      [{ field: 'reason', message: 'is required' }],
      [{ field: 'reason', message: 'must not be blank' }],
      [{ field: 'reason', message: 'must be a string' }],
      [{ field: 'force', message: 'is not a known field' }],
      [{ field: 'body', message: 'must be a JSON object' }],
    ]);
    expect(world.paypro.queryCalls).toEqual([]);
    expect(world.paypro.payoutCalls).toEqual([]);
  });

  it('answers 503 when Paypro cannot be asked, or the breaker holds payout calls, and sends nothing', async () => {
    // Prepare
    const world = await worldWith(flaggedAmbiguous('op-6'), flaggedAmbiguous('op-7'));
    world.paypro.answerQuery('op-6', 'unknown');
    const unavailable: TransportFailure = {
      class: 'not-taken-in',
      unavailable: true,
      rateLimited: false,
      detail: 'connection failed (ECONNREFUSED)',
    };

    // Act
    const notAsked = await refusal(resendPayout(world.deps, 'op-6', { reason: REASON }, OPERATOR));
    for (let i = 0; i < 5; i += 1) await world.breaker.recordFailure(unavailable);
    const held = await refusal(resendPayout(world.deps, 'op-7', { reason: REASON }, OPERATOR));

    // Assess
    expect(notAsked).toBeInstanceOf(PayproUnavailableError);
    expect(held).toBeInstanceOf(PayproUnavailableError);
    expect(held).toMatchObject({
      about: 'sending this payout while the breaker holds payout calls (Paypro unavailable, or just back)',
    });
    expect(world.paypro.payoutCalls).toEqual([]);
    expect(await world.store.get('op-7')).toEqual(flaggedAmbiguous('op-7'));
  });

  it('refuses with 409 when the payout was sent again by another while the resend was written, so it goes out once', async () => {
    // Prepare: between this route's reads and its release, the reconciler releases and sends it.
    const world = await worldWith(flaggedAmbiguous('op-8'));
    const store = world.store;
    const racing: ResendPayoutDeps = {
      ...world.deps,
      resends: {
        markUnknown: (...args) => store.markUnknown(...args),
        clearUnknown: (...args) => store.clearUnknown(...args),
        recheckAt: (...args) => store.recheckAt(...args),
        release: async (tradeNo, release) => {
          await store.release(tradeNo, {
            ...release,
            entry: { at: NOW, source: 'reconciler', note: 'other' },
          });
          await store.markSent(tradeNo, NOW, 'the-other-sender');
          return store.release(tradeNo, release);
        },
      },
    };

    // Act
    const error = await refusal(resendPayout(racing, 'op-8', { reason: REASON }, OPERATOR));

    // Assess
    expect(error).toMatchObject({
      status: 'PENDING',
      message: `Payout op-8 was not sent again: it changed while this resend was being written (now PENDING, sent at ${NOW}); look at it again.`,
    });
    expect(world.paypro.payoutCalls).toEqual([]);
    expect((await store.get('op-8'))?.history.filter((h) => h.source === 'operator')).toEqual([]);
  });

  it('sends a payout never sent, noting that it never was', async () => {
    // Prepare
    const { sentAt: _s, sendClaim: _c, sendFailure: _f, ...unsent } = flaggedAmbiguous('op-9');
    const world = await worldWith(unsent);

    // Act
    const result = await resendPayout(world.deps, 'op-9', { reason: REASON }, OPERATOR);

    // Assess
    expect(result.payout.status).toBe('PROCESSING');
    expect(world.paypro.sent('op-9')).toBe(1);
    expect(result.payout.resends).toBeUndefined();
    expect(result.payout.history.find((h) => h.source === 'operator')?.note).toMatch(/; never sent before$/);
  });
});
