import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payproCallbackHandler } from '../../functions/paypro-callback';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { isFinal, type Payout, type PayoutStatus } from '../../lib/payouts/payout';
import { reconcile } from '../../lib/payouts/reconcile';
import { callbackToken } from '../../lib/paypro/callback-token';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack, TEST_SECRET } from '../support/stack';
import { settledAtSandbox } from '../support/wait';

let stack: Awaited<ReturnType<typeof startStack>>;
let seq = 0;

beforeAll(async () => {
  // A realistic Paypro timeout: 100 payouts at once on two cores take a while.
  stack = await startStack(
    { RECONCILE_MIN_AGE_S: '1', PAYPRO_TIMEOUT_MS: '5000' },
    { slowMs: 1_500, settleMs: 200 },
  );
  // Storms below are made by hand; the sandbox's own callbacks stay out of the way.
  stack.callbacks.accepting = false;
});
afterAll(async () => {
  await stack?.close();
});

function tradeNo(label: string): string {
  seq += 1;
  return `cc-${label}-${Date.now()}-${seq}`;
}

const create = (body: Record<string, unknown>) => stack.createPayout(apiEvent({ body }), lambdaContext());

async function stored(id: string): Promise<Payout> {
  const payout = await stack.deps.repository.get(id);
  if (!payout) throw new Error(`no payout ${id}`);
  return payout;
}

function callback(id: string, status: string, handler = stack.callback) {
  const token = callbackToken(TEST_SECRET.callbackKey, id);
  return handler(
    apiEvent({
      path: `/callbacks/paypro/${id}/${token}`,
      body: { tradeNo: id, amount: 100, status, message: status === '0000' ? 'SUCCESS' : 'X' },
      pathParameters: { tradeNo: id, token },
    }),
    lambdaContext(),
  );
}

const RANK: Record<PayoutStatus, number> = { PENDING: 0, PROCESSING: 1, SUCCEEDED: 2, FAILED: 2 };

/** A history whose statuses only move forward and holds at most one final entry. */
function expectForwardHistory(payout: Payout): void {
  const statuses = payout.history.flatMap((h) => (h.status ? [h.status] : []));
  statuses.slice(1).forEach((status, i) => {
    expect(RANK[status]).toBeGreaterThan(RANK[statuses[i] as PayoutStatus]);
  });
  expect(statuses.filter(isFinal).length).toBeLessThanOrEqual(1);
}

describe('concurrency against dynalite and the sandbox', () => {
  it('sends one payout for 100 concurrent identical creates', async () => {
    // Prepare
    const id = tradeNo('same');
    // Act
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => create({ amount: 100, mobile: '0712345678', tradeNo: id })),
    );
    // Assess
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 200)).toHaveLength(99);
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('sends and records 100 payouts for 100 concurrent distinct creates', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => tradeNo(`many${i}`));

    const responses = await Promise.all(
      ids.map((id) => create({ amount: 100, mobile: '0712345678', tradeNo: id })),
    );

    // 202 is a correct answer too: a reply slower than the timeout leaves the payout PENDING.
    expect(responses.every((r) => r.statusCode === 201 || r.statusCode === 202)).toBe(true);
    expect(ids.map((id) => stack.sandbox.payoutCalls(id))).toEqual(ids.map(() => 1));
    const records = await Promise.all(ids.map((id) => stack.deps.repository.get(id)));
    expect(records.map((r) => r?.tradeNo)).toEqual(ids);
    await settledAtSandbox(stack.sandbox, ...ids);
    await reconcile({ ...stack.deps, now: () => new Date(Date.now() + 5_000), reconcileBatchSize: 500 });
    const settled = await Promise.all(ids.map((id) => stored(id)));
    expect(settled.map((p) => p.status)).toEqual(ids.map(() => 'SUCCEEDED'));
    expect(ids.map((id) => stack.sandbox.payoutCalls(id))).toEqual(ids.map(() => 1));
  });

  it('brings every payout of a callback storm interleaved with the reconciler to its true final state', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => tradeNo(`storm${i}`));
    await Promise.all(
      ids.map((id) => create({ amount: 100, mobile: SANDBOX_MOBILES.neverCallsBack, tradeNo: id })),
    );
    await settledAtSandbox(stack.sandbox, ...ids);

    // Duplicates, late 0015s and contradicting 00029s, all at once, with reconcile runs among them.
    const storm = ids.flatMap((id) => [
      ...Array.from({ length: 6 }, () => callback(id, '0000')),
      ...Array.from({ length: 3 }, () => callback(id, '0015')),
      ...Array.from({ length: 3 }, () => callback(id, '00029')),
    ]);
    const runs = Array.from({ length: 3 }, () =>
      reconcile({ ...stack.deps, now: () => new Date(Date.now() + 5_000), reconcileBatchSize: 500 }),
    );
    const [responses] = await Promise.all([Promise.all(storm), Promise.all(runs)]);

    expect(responses.every((r) => r.statusCode === 200 && r.body === 'OK')).toBe(true);
    for (const id of ids) {
      const payout = await stored(id);
      expect(payout.status).toBe('SUCCEEDED');
      expectForwardHistory(payout);
    }
    expect(ids.map((id) => stack.sandbox.payoutCalls(id))).toEqual(ids.map(() => 1));
  });

  it('never changes a final state under a storm of contradicting callbacks applied without a query', async () => {
    const id = tradeNo('contradict');
    await create({ amount: 100, mobile: SANDBOX_MOBILES.staysProcessing, tradeNo: id });
    const direct = payproCallbackHandler({ ...stack.deps, verifyByQuery: false });
    const anomaliesBefore = stack.counter.counts.PayoutAnomaly ?? 0;

    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => callback(id, i % 2 === 0 ? '0000' : '00029', direct)),
    );
    const final = (await stored(id)).status;
    const after = await Promise.all(
      Array.from({ length: 10 }, () => callback(id, final === 'SUCCEEDED' ? '00029' : '0000', direct)),
    );

    expect([...responses, ...after].every((r) => r.statusCode === 200)).toBe(true);
    expect(isFinal(final)).toBe(true);
    const payout = await stored(id);
    expect(payout.status).toBe(final);
    expectForwardHistory(payout);
    // Every contradicting callback after the first final one was noted and counted, never applied.
    expect((stack.counter.counts.PayoutAnomaly ?? 0) - anomaliesBefore).toBeGreaterThanOrEqual(10);
    expect(
      bodyOf(
        await stack.getPayout(apiEvent({ method: 'GET', pathParameters: { tradeNo: id } }), lambdaContext()),
      ),
    ).toMatchObject({
      status: final,
    });
  });
});
