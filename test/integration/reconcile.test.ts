import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconcileHandler } from '../../functions/reconcile';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { requestHash } from '../../lib/payouts/create';
import { LEGACY_OPEN_PK, openPartitionKey } from '../../lib/payouts/keys';
import type { Payout } from '../../lib/payouts/payout';
import { reconcile } from '../../lib/payouts/reconcile';
import { forEachLimit } from '../../lib/shared/concurrency';
import { createDocumentClient } from '../../lib/wiring/payouts';
import { apiEvent, lambdaContext } from '../support/events';
import { recordCrashedPayout, startStack } from '../support/stack';
import { settledAtSandbox } from '../support/wait';

let stack: Awaited<ReturnType<typeof startStack>>;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({ RECONCILE_MIN_AGE_S: '1' }, { slowMs: 700, settleMs: 200, queryDelayMs: 5 });
  // Callbacks never get through here: only the reconciler can settle these payouts.
  stack.callbacks.accepting = false;
});
afterAll(async () => {
  await stack?.close();
});

function tradeNo(label: string): string {
  seq += 1;
  return `rc-${label}-${Date.now()}-${seq}`;
}

async function stored(id: string): Promise<Payout> {
  const payout = await stack.deps.repository.get(id);
  if (!payout) throw new Error(`no payout ${id}`);
  return payout;
}

const later = (ms: number) => () => new Date(Date.now() + ms);

/** Runs the reconciler as if `aheadMs` had passed, so every payout created so far is due. */
function reconcileAhead(aheadMs = 5_000, overrides: Partial<typeof stack.deps> = {}) {
  return reconcile({ ...stack.deps, now: later(aheadMs), ...overrides });
}

/** A PENDING record as a crash would leave it: written, with or without `sentAt`. */
const crashedRecord = (id: string, sent: boolean) => recordCrashedPayout(stack.deps.repository, id, sent);

beforeEach(async () => {
  // Settle what earlier tests left open, and check the rest two hours ahead, so their next
  // check is far beyond anything a test runs at: each test sees only its own payouts, however
  // long a loaded machine takes to create them.
  await reconcileAhead(2 * 3600_000, { reconcileBatchSize: 5_000 });
});

describe('reconciler against dynalite and the sandbox', () => {
  it('runs as the scheduled Lambda and returns its summary', async () => {
    const summary = await reconcileHandler(stack.deps)({}, lambdaContext());
    expect(summary).toEqual({
      due: 0,
      checked: 0,
      settled: 0,
      resent: 0,
      stillOpen: 0,
      flagged: 0,
      failed: 0,
      skipped: 0,
    });
  });

  it('flags a payout still open after 24 h once in its history, and counts it every run', async () => {
    const id = tradeNo('stuck');
    await stack.createPayout(
      apiEvent({ body: { amount: 95, mobile: SANDBOX_MOBILES.staysProcessing, tradeNo: id } }),
      lambdaContext(),
    );
    const before = stack.counter.counts.PayoutOpenOver24h ?? 0;

    const first = await reconcileAhead(25 * 3600_000);
    const second = await reconcileAhead(27 * 3600_000);

    expect(first).toMatchObject({ checked: 1, stillOpen: 1, flagged: 1 });
    expect(second).toMatchObject({ checked: 1, stillOpen: 1, flagged: 1 });
    expect(stack.counter.counts.PayoutOpenOver24h).toBe(before + 2);
    const payout = await stored(id);
    expect(payout.status).toBe('PROCESSING');
    expect(payout.flaggedAt).toEqual(expect.any(String));
    expect(payout.history.filter((h) => h.source === 'reconciler')).toHaveLength(1);
  });

  it('settles a payout whose send timed out, without sending it again', async () => {
    // Prepare
    const id = tradeNo('timeout');
    const created = await stack.createPayout(
      apiEvent({ body: { amount: 80, mobile: SANDBOX_MOBILES.slow, tradeNo: id } }),
      lambdaContext(),
    );
    expect(created.statusCode).toBe(202);
    await settledAtSandbox(stack.sandbox, id); // the sandbox answers late, then settles
    // Act
    const summary = await reconcileAhead();
    // Assess
    expect(summary).toMatchObject({ checked: 1, settled: 1, resent: 0, failed: 0 });
    const payout = await stored(id);
    expect(payout.status).toBe('SUCCEEDED');
    expect(payout.history.at(-1)).toMatchObject({ source: 'query', status: 'SUCCEEDED', code: '0000' });
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('settles a payout whose callback never comes', async () => {
    const id = tradeNo('silent');
    await stack.createPayout(
      apiEvent({ body: { amount: 90, mobile: SANDBOX_MOBILES.neverCallsBack, tradeNo: id } }),
      lambdaContext(),
    );
    await settledAtSandbox(stack.sandbox, id);

    const summary = await reconcileAhead();

    expect(summary).toMatchObject({ checked: 1, settled: 1 });
    expect((await stored(id)).status).toBe('SUCCEEDED');
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('sends a payout that was recorded but provably never sent (crash before the send)', async () => {
    const id = tradeNo('unsent');
    await crashedRecord(id, false);

    const summary = await reconcileAhead();

    expect(summary).toMatchObject({ checked: 1, resent: 1 });
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
    const payout = await stored(id);
    expect(payout.status).toBe('PROCESSING');
    expect(payout.sentAt).toEqual(expect.any(String));
    // A second run asks again but never sends again.
    await settledAtSandbox(stack.sandbox, id);
    await reconcileAhead(120_000);
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
    expect((await stored(id)).status).toBe('SUCCEEDED');
  });

  it('never re-sends a payout marked as sent, even when Paypro does not know it', async () => {
    const id = tradeNo('sent-unknown');
    await crashedRecord(id, true);

    const summary = await reconcileAhead();

    expect(summary).toMatchObject({ checked: 1, resent: 0, stillOpen: 1 });
    expect(stack.sandbox.payoutCalls(id)).toBe(0);
    expect((await stored(id)).status).toBe('PENDING');
  });

  it('checks at most a batch per run, and nothing that is not yet due', async () => {
    const ids = [tradeNo('b1'), tradeNo('b2'), tradeNo('b3')];
    for (const id of ids) {
      await stack.createPayout(
        apiEvent({ body: { amount: 60, mobile: SANDBOX_MOBILES.staysProcessing, tradeNo: id } }),
        lambdaContext(),
      );
    }

    const notDue = await reconcile(stack.deps);
    const batch = await reconcileAhead(5_000, { reconcileBatchSize: 2 });

    expect(notDue.checked).toBe(0);
    expect(batch.checked).toBe(2);
  });

  it('stops at its deadline and leaves the rest due for the next run', async () => {
    const id = tradeNo('deadline');
    await stack.createPayout(
      apiEvent({ body: { amount: 66, mobile: SANDBOX_MOBILES.staysProcessing, tradeNo: id } }),
      lambdaContext(),
    );

    const late = await reconcile({ ...stack.deps, now: later(5_000) }, Date.now() - 1);
    const next = await reconcileAhead();

    expect(late.checked).toBe(0);
    expect(next.checked).toBeGreaterThanOrEqual(1);
  });

  it('leaves payouts alone and counts a failure when the Paypro query fails', async () => {
    const id = tradeNo('query-down');
    await stack.createPayout(
      apiEvent({ body: { amount: 65, mobile: SANDBOX_MOBILES.staysProcessing, tradeNo: id } }),
      lambdaContext(),
    );
    const before = await stored(id);
    stack.sandbox.failQueries('http500');
    try {
      const summary = await reconcileAhead();

      expect(summary).toMatchObject({ checked: 1, failed: 1, settled: 0 });
      expect((await stored(id)).status).toBe(before.status);
    } finally {
      stack.sandbox.failQueries('none');
    }
  });

  it('two overlapping runs on the same 500 payouts check each once, settle each once and send nothing twice', async () => {
    // Prepare: 450 sent payouts the sandbox settles without calling back, 50 recorded but never sent.
    const sent = Array.from({ length: 450 }, (_, i) => tradeNo(`ov${i}`));
    const unsent = Array.from({ length: 50 }, (_, i) => tradeNo(`ou${i}`));
    await forEachLimit(sent, 25, async (id) => {
      await stack.createPayout(
        apiEvent({ body: { amount: 75, mobile: SANDBOX_MOBILES.neverCallsBack, tradeNo: id } }),
        lambdaContext(),
      );
    });
    await forEachLimit(unsent, 25, async (id) => {
      await crashedRecord(id, false);
    });
    await Promise.all(sent.map((id) => settledAtSandbox(stack.sandbox, id)));
    const runAs = { reconcileBatchSize: 5_000, reconcileConcurrency: 8 };

    // Act
    const [a, b] = await Promise.all([reconcileAhead(5_000, runAs), reconcileAhead(5_000, runAs)]);

    // Assess: between them the runs checked every payout exactly once.
    expect(a.checked + b.checked).toBe(500);
    expect(a.settled + b.settled).toBe(450);
    expect(a.resent + b.resent).toBe(50);
    expect(a.failed + b.failed).toBe(0);
    for (const id of [...sent, ...unsent]) expect(stack.sandbox.payoutCalls(id)).toBe(1);
    for (const id of sent) {
      const payout = await stored(id);
      expect(payout.status).toBe('SUCCEEDED');
      expect(payout.history.filter((h) => h.status === 'SUCCEEDED')).toHaveLength(1);
    }
    // The re-sent ones settle on a later run, still without a second send.
    await Promise.all(unsent.map((id) => settledAtSandbox(stack.sandbox, id)));
    const afterwards = await reconcileAhead(120_000, runAs);
    expect(afterwards).toMatchObject({ settled: 50, resent: 0 });
    for (const id of unsent) {
      expect((await stored(id)).status).toBe('SUCCEEDED');
      expect(stack.sandbox.payoutCalls(id)).toBe(1);
    }
  });

  it('stopped by its deadline mid-run, leaves exactly the unchecked payouts due for the next run', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => tradeNo(`dl${i}`));
    await forEachLimit(ids, 20, async (id) => {
      await stack.createPayout(
        apiEvent({ body: { amount: 64, mobile: SANDBOX_MOBILES.staysProcessing, tradeNo: id } }),
        lambdaContext(),
      );
    });

    const cut = await reconcile(
      { ...stack.deps, now: later(5_000), reconcileConcurrency: 2 },
      Date.now() + 100,
    );
    const next = await reconcileAhead(5_000);

    expect(cut.checked).toBeGreaterThan(0);
    expect(cut.checked).toBeLessThan(120);
    expect(next.checked).toBe(120 - cut.checked);
    expect(next.due).toBe(120 - cut.checked);
  });

  it('asks Paypro about at most reconcileConcurrency payouts at once', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => tradeNo(`cc${i}`));
    await forEachLimit(ids, 20, async (id) => {
      await stack.createPayout(
        apiEvent({ body: { amount: 63, mobile: SANDBOX_MOBILES.staysProcessing, tradeNo: id } }),
        lambdaContext(),
      );
    });
    const real = stack.deps.paypro;
    let inFlight = 0;
    let most = 0;
    const counting = Object.assign(Object.create(real), {
      queryPayout: async (...args: Parameters<typeof real.queryPayout>) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          return await real.queryPayout(...args);
        } finally {
          inFlight -= 1;
        }
      },
    });

    const summary = await reconcileAhead(5_000, { paypro: counting, reconcileConcurrency: 4 });

    expect(summary.checked).toBe(40);
    expect(most).toBe(4);
  });

  it('finds open payouts written under the legacy single index key, and moves them to their shard', async () => {
    // Prepare: an open payout as the release before sharding wrote it.
    const id = tradeNo('legacy');
    const at = new Date().toISOString();
    await createDocumentClient().send(
      new PutCommand({
        TableName: stack.config.payoutsTable,
        Item: {
          tradeNo: id,
          amount: 70,
          mobile: '254712345678',
          status: 'PENDING',
          requestHash: requestHash({ amount: 70, mobile: '254712345678' }),
          paypro: {},
          createdAt: at,
          updatedAt: at,
          history: [{ at, source: 'api', status: 'PENDING', note: 'payout requested' }],
          openPk: LEGACY_OPEN_PK,
          checkAfter: at,
        },
      }),
    );

    const summary = await reconcileAhead();

    expect(summary).toMatchObject({ due: 1, checked: 1, resent: 1 });
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
    const { Item } = await createDocumentClient().send(
      new GetCommand({ TableName: stack.config.payoutsTable, Key: { tradeNo: id } }),
    );
    expect(Item?.openPk).toBe(openPartitionKey(id));
  });

  it('publishes the backlog every run: how many are due and how long the most overdue has waited', async () => {
    const ids = [tradeNo('bl1'), tradeNo('bl2'), tradeNo('bl3')];
    for (const id of ids) {
      await stack.createPayout(
        apiEvent({ body: { amount: 62, mobile: SANDBOX_MOBILES.staysProcessing, tradeNo: id } }),
        lambdaContext(),
      );
    }
    const backlog = stack.counter.counts.ReconcileBacklog ?? 0;
    const waited = stack.counter.counts.ReconcileOldestDueSeconds ?? 0;

    // An hour ahead: each was due (at creation + 1 s) about an hour ago.
    const summary = await reconcileAhead(3600_000);

    expect(summary.due).toBe(3);
    expect(stack.counter.counts.ReconcileBacklog).toBe(backlog + 3);
    const oldest = (stack.counter.counts.ReconcileOldestDueSeconds ?? 0) - waited;
    expect(oldest).toBeGreaterThan(3590);
    expect(oldest).toBeLessThan(3610);
  });
});
