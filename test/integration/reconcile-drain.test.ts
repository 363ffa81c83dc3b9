import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { OPEN_SHARDS, openPartitionKey } from '../../lib/payouts/keys';
import type { Payout } from '../../lib/payouts/payout';
import { reconcile } from '../../lib/payouts/reconcile';
import { notifyUrl } from '../../lib/paypro/callback-token';
import { forEachLimit } from '../../lib/shared/concurrency';
import { startStack, TEST_SECRET } from '../support/stack';

/*
 * The reconciler's drain once counted 9,998 of the bench's 10,000 due payouts and never checked
 * the other 2. They were in the table but not in dynalite's due index: dynalite filed two open
 * payouts of one shard with one checkAfter under one index entry when 24 bits of their keys'
 * digests agreed (infra/local/dynalite-index-keys.ts). c-5656 and c-16287 are such a pair.
 */

let stack: Awaited<ReturnType<typeof startStack>>;

beforeAll(async () => {
  stack = await startStack({ RECONCILE_MIN_AGE_S: '1' }, { slowMs: 700, settleMs: 1, queryDelayMs: 1 });
  stack.callbacks.accepting = false;
});
afterAll(async () => {
  await stack?.close();
});

// More than two of the reconciler's pages (500), over every shard; all due at one instant, as a
// day's outage or a batch leaves them.
const SEEDED = [...Array.from({ length: 1_200 }, (_, i) => `drain-${i}`), 'c-5656', 'c-16287'];
const WRITERS = 8;

/** Records `tradeNo` as a payout Paypro took in (and settles without calling back), due since `due`. */
async function seed(tradeNo: string, due: string): Promise<void> {
  const mobile = SANDBOX_MOBILES.neverCallsBack;
  await stack.deps.paypro.payout(TEST_SECRET, {
    tradeNo,
    amount: 100,
    mobile,
    notifyUrl: notifyUrl(stack.config.publicBaseUrl, TEST_SECRET.callbackKey, tradeNo),
  });
  const payout: Payout = {
    tradeNo,
    amount: 100,
    mobile,
    status: 'PROCESSING',
    requestHash: 'drain',
    sentAt: due,
    paypro: { code: '0015' },
    createdAt: due,
    updatedAt: due,
    history: [],
  };
  await stack.deps.repository.create(payout, due);
}

describe('the reconciler draining a backlog on dynalite', () => {
  it('counts and checks every due payout written by several writers at once, across pages and shards', async () => {
    // Prepare
    const due = new Date(Date.now() - 3600_000).toISOString();
    await forEachLimit(SEEDED, WRITERS, (tradeNo) => seed(tradeNo, due));
    expect(new Set(SEEDED.map(openPartitionKey)).size).toBe(OPEN_SHARDS);

    // Act
    const summary = await reconcile({ ...stack.deps, reconcileBatchSize: 5_000 });

    // Assess
    expect(summary).toMatchObject({ due: SEEDED.length, checked: SEEDED.length, settled: SEEDED.length });
    expect(summary).toMatchObject({ failed: 0, skipped: 0 });
    const stored = await Promise.all(SEEDED.map((tradeNo) => stack.deps.repository.get(tradeNo)));
    expect(
      stored.filter((payout) => payout?.status !== 'SUCCEEDED').map((payout) => payout?.tradeNo),
    ).toEqual([]);
  }, 120_000);
});
