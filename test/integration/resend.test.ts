/*
 * Sending a payout again with the same tradeNo, against dynalite and the Paypro sandbox: the
 * reconciler's resend rule with the real stores and clients, the operator's route through its
 * composed handler (every reply checked against openapi.json), and what makes a resend safe: the
 * sandbox, as Paypro must, refuses a tradeNo it already has.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminResendPayoutHandler } from '../../functions/admin-resend-payout';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { requestHash } from '../../lib/payouts/create';
import type { Payout } from '../../lib/payouts/payout';
import { reconcile } from '../../lib/payouts/reconcile';
import { sendOnce } from '../../lib/payouts/send';
import type { BreakerGate } from '../../lib/paypro/breaker-gate';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack, TEST_SECRET } from '../support/stack';

let stack: Awaited<ReturnType<typeof startStack>>;
let seq = 0;
const OPERATOR = 'arn:aws:iam::123456789012:user/ops-alice';
const REASON = 'Paypro ticket 4411: they never received it';

beforeAll(async () => {
  stack = await startStack({ RECONCILE_MIN_AGE_S: '1' }, { slowMs: 700, settleMs: 200 });
  // Callbacks never get through here: only the reconciler and the operator act on these payouts.
  stack.callbacks.accepting = false;
});
afterAll(async () => {
  await stack?.close();
});

beforeEach(async () => {
  // Check what earlier tests left open two hours ahead: each test then sees only its own payouts.
  await reconcileAhead(2 * 3600_000);
});

function tradeNo(label: string): string {
  seq += 1;
  return `rs-${label}-${Date.now()}-${seq}`;
}

/** Runs the reconciler as if `aheadMs` had passed. */
function reconcileAhead(aheadMs: number) {
  return reconcile({ ...stack.deps, now: () => new Date(Date.now() + aheadMs), reconcileBatchSize: 5_000 });
}

async function stored(id: string): Promise<Payout> {
  const payout = await stack.deps.repository.get(id);
  if (!payout) throw new Error(`no payout ${id}`);
  return payout;
}

/**
 * A PENDING payout as a failed send leaves it: recorded and claimed (`sentAt`), never answered, with
 * what the transport proved (`sendFailure`, set here as the send path will record it), flagged if asked.
 */
async function failedSend(
  id: string,
  failure: 'not-taken-in' | 'ambiguous',
  options: { flagged?: boolean } = {},
): Promise<void> {
  const at = new Date().toISOString();
  const mobile = SANDBOX_MOBILES.staysProcessing;
  await stack.deps.repository.create(
    {
      tradeNo: id,
      amount: 70,
      mobile,
      status: 'PENDING',
      requestHash: requestHash({ amount: 70, mobile }),
      sentAt: at,
      sendClaim: 'failed-claim',
      sendFailure: {
        class: failure,
        detail: failure === 'not-taken-in' ? 'connection failed (ECONNREFUSED)' : 'no answer in time',
        at,
      },
      ...(options.flagged && { flaggedAt: at }),
      createdAt: at,
      updatedAt: at,
      history: [{ at, source: 'api', status: 'PENDING', note: 'payout requested' }],
    },
    at,
  );
}

/** POST /admin/payouts/{tradeNo}/resend as API Gateway delivers it to an IAM-signed operator. */
function resend(id: string, body: unknown, deps = stack.deps) {
  const event: APIGatewayProxyEvent = {
    ...apiEvent({
      method: 'POST',
      path: `/admin/payouts/${id}/resend`,
      pathParameters: { tradeNo: id },
      body,
    }),
    requestContext: { identity: { userArn: OPERATOR } } as unknown as APIGatewayProxyEvent['requestContext'],
  };
  return adminResendPayoutHandler(deps)(event, lambdaContext());
}

describe('the reconciler sends again what Paypro did not take in (dynalite, sandbox)', () => {
  it('sends a payout not taken in once more, with the same tradeNo, at the second unknown answer RESEND_AFTER_S after the first', async () => {
    // Prepare
    const id = tradeNo('nt');
    await failedSend(id, 'not-taken-in');

    // Act
    const first = await reconcileAhead(5_000);
    const tooSoon = await reconcileAhead(60_000);
    const second = await reconcileAhead(130_000);
    const later = await reconcileAhead(600_000);

    // Assess
    expect(first).toMatchObject({ checked: 1, resent: 0 });
    expect(tooSoon).toMatchObject({ checked: 0, resent: 0 });
    expect(second).toMatchObject({ checked: 1, resent: 1 });
    expect(later).toMatchObject({ resent: 0 });
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
    const payout = await stored(id);
    expect(payout).toMatchObject({ status: 'PROCESSING', resends: 1 });
    expect(payout.sendFailure).toBeUndefined();
    expect(payout.history.filter((h) => h.source === 'reconciler')).toEqual([
      expect.objectContaining({
        note: expect.stringMatching(/^sent again with the same tradeNo \(1 of at most 3\)/),
      }),
    ]);
    expect(stack.counter.counts.PayoutResent).toBeGreaterThanOrEqual(1);
  });

  it('never sends an ambiguous payout again by itself, and flags it once with what is known', async () => {
    // Prepare
    const id = tradeNo('am');
    await failedSend(id, 'ambiguous');

    // Act
    await reconcileAhead(5_000);
    const second = await reconcileAhead(130_000);
    const third = await reconcileAhead(3600_000);

    // Assess
    expect(second).toMatchObject({ checked: 1, resent: 0, flagged: 1 });
    expect(third).toMatchObject({ resent: 0, flagged: 0 });
    expect(stack.sandbox.payoutCalls(id)).toBe(0);
    const payout = await stored(id);
    expect(payout.flaggedAt).toEqual(expect.any(String));
    const flags = payout.history.filter((h) => h.source === 'reconciler');
    expect(flags).toHaveLength(1);
    expect(flags[0]?.note).toContain('its send may have reached Paypro (no answer in time)');
  });
});

describe('POST /admin/payouts/{tradeNo}/resend through its handler (dynalite, sandbox)', () => {
  it('sends a flagged ambiguous payout once after the operator checked, then refuses (409) as Paypro knows it', async () => {
    // Prepare
    const id = tradeNo('op');
    await failedSend(id, 'ambiguous', { flagged: true });

    // Act
    const sent = await resend(id, { reason: REASON });
    const again = await resend(id, { reason: REASON });

    // Assess
    expect(sent.statusCode).toBe(200);
    expect(bodyOf(sent)).toMatchObject({ tradeNo: id, status: 'PROCESSING', mobile: '2547****0015' });
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
    const payout = await stored(id);
    expect(payout.resends).toBe(1);
    expect(payout.history.filter((h) => h.source === 'operator')).toEqual([
      expect.objectContaining({
        operator: OPERATOR,
        reason: REASON,
        note: expect.stringContaining("Paypro's query did not know it (1005 ORDER_NOT_EXIST)"),
      }),
    ]);
    expect(again.statusCode).toBe(409);
    expect(bodyOf(again)).toMatchObject({
      paypro: '0015 CREDIT_INPROGRESS, amount 70',
      payoutStatus: 'PROCESSING',
    });
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('answers 400 naming the reason, 404 for an unknown tradeNo and 409 for a final payout, sending nothing', async () => {
    // Prepare: one flagged payout, and one Paypro refused at once (FAILED).
    const id = tradeNo('bad');
    await failedSend(id, 'ambiguous', { flagged: true });
    const before = await stored(id);
    const done = tradeNo('done');
    const refused = await stack.createPayout(
      apiEvent({ body: { amount: 90, mobile: SANDBOX_MOBILES.rejected, tradeNo: done } }),
      lambdaContext(),
    );
    expect(bodyOf(refused).status).toBe('FAILED');

    // Act
    const missing = await resend(id, {});
    const noBody = await resend(id, undefined);
    const unknown = await resend('never-created', { reason: REASON });
    const final = await resend(done, { reason: REASON });

    // Assess
    expect(missing.statusCode).toBe(400);
    expect(bodyOf(missing).errors).toEqual([{ field: 'reason', message: 'is required' }]);
    expect(noBody.statusCode).toBe(400);
    expect(bodyOf(noBody).errors).toEqual([{ field: 'body', message: 'is required: send a JSON object' }]);
    expect(unknown.statusCode).toBe(404);
    expect(final.statusCode).toBe(409);
    expect(bodyOf(final)).toMatchObject({
      detail: `Payout ${done} was not sent again: it is already FAILED.`,
      payoutStatus: 'FAILED',
    });
    expect(stack.sandbox.payoutCalls(id)).toBe(0);
    expect(stack.sandbox.payoutCalls(done)).toBe(1);
    expect(await stored(id)).toEqual(before);
  });

  it('answers 503 when Paypro cannot be asked, or when the breaker holds payout calls, sending nothing', async () => {
    // Prepare
    const id = tradeNo('down');
    await failedSend(id, 'ambiguous');
    const before = await stored(id);
    const held: BreakerGate = {
      admit: async () => ({ ok: false, reason: 'open', since: '2026-11-25T09:00:00.000Z' }),
      recordFailure: async () => undefined,
      recordSuccess: async () => undefined,
    };

    // Act
    stack.sandbox.failQueries('http500');
    const notAsked = await resend(id, { reason: REASON }).finally(() => stack.sandbox.failQueries('none'));
    const whileHeld = await resend(id, { reason: REASON }, { ...stack.deps, breaker: held });

    // Assess
    expect(notAsked.statusCode).toBe(503);
    expect(whileHeld.statusCode).toBe(503);
    expect(bodyOf(whileHeld).detail).toBe(
      'Paypro could not be asked about sending this payout while the breaker holds payout calls (Paypro unavailable, or just back); try again later.',
    );
    expect(stack.sandbox.payoutCalls(id)).toBe(0);
    expect(await stored(id)).toEqual(before);
  });
});

describe('what makes a resend safe: Paypro refuses a tradeNo it already has', () => {
  it('pays a payout once even when it is released and sent again after Paypro took it in', async () => {
    // Prepare: Paypro took the payout in but its answer was unreadable, so it is PENDING here; suppose
    // it were released for a send again all the same (as if Paypro's query had wrongly not known it).
    const id = tradeNo('dup');
    stack.sandbox.failPayouts('garbage');
    const created = await stack
      .createPayout(
        apiEvent({ body: { amount: 80, mobile: SANDBOX_MOBILES.staysProcessing, tradeNo: id } }),
        lambdaContext(),
      )
      .finally(() => stack.sandbox.failPayouts('none'));
    expect(created.statusCode).toBe(202);
    const taken = await stored(id);
    const balanceBefore = stack.sandbox.balance().available;
    const at = new Date().toISOString();
    const released = await stack.deps.resends.release(id, {
      sentAt: taken.sentAt as string,
      at,
      entry: { at, source: 'reconciler', note: 'released by the test' },
      checkAfter: at,
    });
    if (!released) throw new Error('the test could not release the payout');

    // Act
    const sent = await sendOnce(stack.deps, released, TEST_SECRET);

    // Assess: the copy reached Paypro, was refused as a duplicate, and nothing more was paid.
    expect(stack.sandbox.payoutCalls(id)).toBe(2);
    expect(stack.sandbox.balance().available).toBe(balanceBefore);
    expect(sent.payout.status).toBe('PROCESSING');
    expect(sent.payout.history.at(-1)?.note).toBe(
      'payout request refused by Paypro (1004 DUPLICATE_TRADE_NO); Paypro query knows it',
    );
  });
});
