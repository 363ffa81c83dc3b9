import { spawn } from 'node:child_process';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import type { EventBus } from '../../lib/events/bus';
import { type PublishDeps, sweepOutbox } from '../../lib/events/publish';
import type { PayoutEvent } from '../../lib/payouts/events';
import type { Payout } from '../../lib/payouts/payout';
import { reconcile } from '../../lib/payouts/reconcile';
import { callbackToken } from '../../lib/paypro/callback-token';
import { createDocumentClient } from '../../lib/wiring/tables';
import { apiEvent, lambdaContext } from '../support/events';
import { startStack, TEST_SECRET } from '../support/stack';
import { settledAtSandbox, until } from '../support/wait';

/** An event bus that keeps what it was given, in order, duplicates included. */
class RecordingBus implements EventBus {
  readonly events: PayoutEvent[] = [];
  async publish(events: readonly PayoutEvent[]): Promise<void> {
    this.events.push(...structuredClone(events));
  }
  of(tradeNo: string): PayoutEvent[] {
    return this.events.filter((e) => e.detail.tradeNo === tradeNo);
  }
}

let stack: Awaited<ReturnType<typeof startStack>>;
let bus: RecordingBus;
let seq = 0;

beforeAll(async () => {
  // 50 concurrent callbacks share this process (they would be 50 Lambdas): their Paypro
  // queries queue behind each other, so give them a realistic timeout, as concurrency.test.ts does.
  stack = await startStack(
    { RECONCILE_MIN_AGE_S: '1', PAYPRO_TIMEOUT_MS: '5000' },
    { slowMs: 700, settleMs: 300 },
  );
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  bus = new RecordingBus();
  stack.callbacks.accepting = true;
});

const publisher = (overrides: Partial<PublishDeps> = {}): PublishDeps => ({
  repository: stack.deps.repository,
  bus,
  log: stack.deps.log,
  counter: stack.counter,
  now: () => new Date(),
  ...overrides,
});

/** Publishes every outbox as the scheduled sweep (or, locally, the stream's stand-in) does. */
const sweep = (overrides: Partial<PublishDeps> = {}) => sweepOutbox(publisher(overrides), 0);

function tradeNo(label: string): string {
  seq += 1;
  return `ev-${label}-${Date.now()}-${seq}`;
}

async function create(mobile: string, amount = 100): Promise<string> {
  const id = tradeNo('p');
  await stack.createPayout(apiEvent({ body: { amount, mobile, tradeNo: id } }), lambdaContext());
  return id;
}

async function stored(id: string): Promise<Payout> {
  const payout = await stack.deps.repository.get(id);
  if (!payout) throw new Error(`no payout ${id}`);
  return payout;
}

/** What an event's detail must be: the stored payout as GET shows it, no history, plus the change. */
function expectedDetail(payout: Payout, version: number, previousStatus: string) {
  return {
    eventId: `${payout.tradeNo}:${version}`,
    version,
    previousStatus,
    tradeNo: payout.tradeNo,
    status: payout.status,
    amount: payout.amount,
    mobile: `${payout.mobile.slice(0, 4)}****${payout.mobile.slice(-4)}`,
    paypro: payout.paypro,
    createdAt: payout.createdAt,
    updatedAt: payout.updatedAt,
    ...(payout.flaggedAt && { flaggedAt: payout.flaggedAt }),
  };
}

function postCallback(id: string, body: Record<string, unknown>) {
  const token = callbackToken(TEST_SECRET.callbackKey, id);
  return stack.callback(
    apiEvent({
      path: `/callbacks/paypro/${id}/${token}`,
      rawBody: JSON.stringify(body),
      pathParameters: { tradeNo: id, token },
    }),
    lambdaContext(),
  );
}

describe('payout events: one per committed change, published from the outbox', () => {
  it('accepted (0015): one Payout Processing, version 1, with the payout as GET shows it', async () => {
    // Prepare
    stack.callbacks.accepting = false;
    const id = await create(SANDBOX_MOBILES.staysProcessing);
    // Act
    const summary = await sweep();
    // Assess
    const payout = await stored(id);
    expect(bus.of(id)).toEqual([
      {
        eventId: `${id}:1`,
        type: 'Payout Processing',
        version: 1,
        occurredAt: payout.updatedAt,
        detail: expectedDetail(payout, 1, 'PENDING'),
      },
    ]);
    expect(summary.failed).toBe(0);
    expect(JSON.stringify(bus.of(id))).not.toContain('254700000015');
    expect(bus.of(id)[0]?.detail).not.toHaveProperty('history');
    // Published once: the outbox is empty now.
    await sweep();
    expect(bus.of(id)).toHaveLength(1);
  });

  it('success by callback: Payout Processing then Payout Succeeded, versions 1 and 2', async () => {
    const id = await create('254712000001');
    await until(
      () => stored(id),
      (p) => p.status === 'SUCCEEDED',
    );

    await sweep();

    const payout = await stored(id);
    expect(bus.of(id).map((e) => [e.type, e.version, e.detail.previousStatus])).toEqual([
      ['Payout Processing', 1, 'PENDING'],
      ['Payout Succeeded', 2, 'PROCESSING'],
    ]);
    expect(bus.of(id)[1]?.detail).toEqual(expectedDetail(payout, 2, 'PROCESSING'));
  });

  it('success by the reconciler: Payout Succeeded, previousStatus PROCESSING', async () => {
    const id = await create(SANDBOX_MOBILES.neverCallsBack);
    await settledAtSandbox(stack.sandbox, id);
    await reconcile({ ...stack.deps, now: () => new Date(Date.now() + 5_000) });

    await sweep();

    expect(bus.of(id).map((e) => [e.type, e.version])).toEqual([
      ['Payout Processing', 1],
      ['Payout Succeeded', 2],
    ]);
    expect(bus.of(id)[1]?.detail).toMatchObject({ status: 'SUCCEEDED', paypro: { code: '0000' } });
  });

  it('failure: Payout Failed, straight from PENDING, with Paypro code and message', async () => {
    const id = await create(SANDBOX_MOBILES.rejected);

    await sweep();

    expect(bus.of(id).map((e) => e.type)).toEqual(['Payout Failed']);
    expect(bus.of(id)[0]?.detail).toMatchObject({
      status: 'FAILED',
      previousStatus: 'PENDING',
      paypro: { code: '00029', message: 'REJECTED_TRANSACTION' },
    });
  });

  it('flag: one Payout Flagged when the reconciler flags a payout open past 24 h, not again on later runs', async () => {
    stack.callbacks.accepting = false;
    const id = await create(SANDBOX_MOBILES.staysProcessing);
    await reconcile({ ...stack.deps, now: () => new Date(Date.now() + 25 * 3600_000) });
    await reconcile({ ...stack.deps, now: () => new Date(Date.now() + 27 * 3600_000) });

    await sweep();

    const payout = await stored(id);
    expect(bus.of(id).map((e) => [e.type, e.version])).toEqual([
      ['Payout Processing', 1],
      ['Payout Flagged', 2],
    ]);
    expect(bus.of(id)[1]?.detail).toEqual(expectedDetail(payout, 2, 'PROCESSING'));
    expect(bus.of(id)[1]?.detail.flaggedAt).toEqual(expect.any(String));
  });

  it('anomaly: Paypro query reporting another amount gives one Payout Anomaly and changes nothing else', async () => {
    // Prepare: the record says 70 where Paypro has 100 (as if either side had been altered).
    stack.callbacks.accepting = false;
    const id = await create(SANDBOX_MOBILES.neverCallsBack, 100);
    await settledAtSandbox(stack.sandbox, id);
    await createDocumentClient().send(
      new UpdateCommand({
        TableName: stack.config.payoutsTable,
        Key: { tradeNo: id },
        UpdateExpression: 'SET amount = :seventy',
        ExpressionAttributeValues: { ':seventy': 70 },
      }),
    );

    // Act
    await reconcile({ ...stack.deps, now: () => new Date(Date.now() + 5_000) });
    await sweep();

    // Assess
    const [, anomaly] = bus.of(id);
    expect(bus.of(id).map((e) => e.type)).toEqual(['Payout Processing', 'Payout Anomaly']);
    expect(anomaly?.detail).toMatchObject({
      version: 2,
      status: 'PROCESSING',
      previousStatus: 'PROCESSING',
      amount: 70,
      anomaly: { source: 'query', reportedAmount: '100' },
    });
    expect((await stored(id)).status).toBe('PROCESSING');
  });

  it('a callback whose body alone names another amount (unverified): 409, counted, but no event', async () => {
    stack.callbacks.accepting = false;
    const id = await create(SANDBOX_MOBILES.staysProcessing, 100);

    const reply = await postCallback(id, { tradeNo: id, amount: 999, status: '0000', message: 'SUCCESS' });
    await sweep();

    expect(reply.statusCode).toBe(409);
    expect(bus.of(id).map((e) => e.type)).toEqual(['Payout Processing']);
  });

  it('50 concurrent duplicate callbacks: still one Payout Succeeded', async () => {
    stack.callbacks.accepting = false;
    const id = await create(SANDBOX_MOBILES.neverCallsBack);
    await settledAtSandbox(stack.sandbox, id);
    const body = { platFormTradeNo: 'pf', tradeNo: id, amount: 100, status: '0000', message: 'SUCCESS' };

    const replies = await Promise.all(Array.from({ length: 50 }, () => postCallback(id, body)));
    await Promise.all([sweep(), sweep(), sweep()]);

    expect(replies.every((r) => r.statusCode === 200)).toBe(true);
    const succeeded = new Set(
      bus
        .of(id)
        .filter((e) => e.type === 'Payout Succeeded')
        .map((e) => e.eventId),
    );
    expect([...succeeded]).toEqual([`${id}:2`]);
  });

  it('a publisher that dies after publishing and before emptying the outbox: published again with the same eventIds', async () => {
    const id = await create(SANDBOX_MOBILES.rejected);
    const repository = stack.deps.repository;
    const dying = Object.assign(Object.create(repository), {
      clearOutbox: async () => {
        throw new Error('process died');
      },
    });

    const first = await sweep({ repository: dying });
    const second = await sweep();

    expect(first.failed).toBeGreaterThanOrEqual(1);
    expect(second.failed).toBe(0);
    expect(bus.of(id).map((e) => e.eventId)).toEqual([`${id}:1`, `${id}:1`]);
    await sweep();
    expect(bus.of(id)).toHaveLength(2);
  });

  it('a bus that refuses the events: nothing leaves the outbox, and the next sweep publishes them', async () => {
    const id = await create(SANDBOX_MOBILES.rejected);
    const refusing: EventBus = {
      publish: async () => {
        throw new Error('bus down');
      },
    };

    const refused = await sweep({ bus: refusing });
    const next = await sweep();

    expect(refused.failed).toBeGreaterThanOrEqual(1);
    expect(next.failed).toBe(0);
    expect(bus.of(id).map((e) => e.type)).toEqual(['Payout Failed']);
  });

  it('a process killed right after the status write: its event is still published', async () => {
    // Prepare: a payout whose result another process writes, then dies at once (SIGKILL).
    stack.callbacks.accepting = false;
    const id = await create(SANDBOX_MOBILES.staysProcessing);
    await sweep();
    const before = bus.of(id).length;

    // Act
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-after-write.ts', id], {
        env: process.env,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => resolve(signal === 'SIGKILL' ? -9 : exitCode));
    });
    await sweep();

    // Assess
    expect(code).toBe(-9);
    expect((await stored(id)).status).toBe('SUCCEEDED');
    expect(
      bus
        .of(id)
        .slice(before)
        .map((e) => [e.type, e.version]),
    ).toEqual([['Payout Succeeded', 2]]);
  });
});
