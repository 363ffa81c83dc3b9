/*
 * One contract, two stores: the same assertions run against the in-memory PayoutStore the unit
 * tests use (test/support/fakes) and against PayoutRepository on dynalite, so the fake is shown
 * to behave like the real store on what the use cases rely on: conditional creates and claims,
 * the state machine's conditional moves, the due index, flags, and the outbox.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayoutsTable, type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamodb';
import { DynamoBatchPayouts } from '../../lib/batches/batch-payouts';
import type { BatchPayouts } from '../../lib/batches/store';
import { PayoutExistsError, StaleStateError } from '../../lib/errors';
import { DuePayoutRepository } from '../../lib/payouts/due';
import { anomaly, flagged, statusChanged } from '../../lib/payouts/events';
import { openPartitionKey } from '../../lib/payouts/keys';
import type { Payout, PayoutStatus } from '../../lib/payouts/payout';
import type { DueIndex, PayoutOutbox, PayoutStore, Transition } from '../../lib/payouts/store';
import { dynaliteDocumentClient } from '../support/dynalite-client';
import { InMemoryPayoutStore } from '../support/fakes/payout-store';

/** What a refused call threw, so Act can go on and Assess compare it. */
const caught = (error: unknown): unknown => error;

type Stores = { payouts: PayoutStore & DueIndex & PayoutOutbox; batchPayouts: BatchPayouts };

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

/** A fresh payouts table on dynalite, seen through the DynamoDB classes. */
async function onDynalite(): Promise<Stores> {
  tables += 1;
  const tableName = `payouts-contract-${tables}`;
  await createPayoutsTable(dynamo.url, tableName);
  const client = dynaliteDocumentClient(dynamo.url);
  return {
    payouts: new DuePayoutRepository(client, tableName),
    batchPayouts: new DynamoBatchPayouts(client, tableName),
  };
}

async function inMemory(): Promise<Stores> {
  const store = new InMemoryPayoutStore();
  return { payouts: store, batchPayouts: store };
}

const T0 = '2026-11-24T08:00:00.000Z';
const T1 = '2026-11-24T08:05:00.000Z';
const T2 = '2026-11-24T08:10:00.000Z';
const T3 = '2026-11-24T08:15:00.000Z';

function pending(tradeNo: string, createdAt = T0): Payout {
  return {
    tradeNo,
    amount: 1500,
    mobile: '254712345678',
    status: 'PENDING',
    requestHash: `hash-${tradeNo}`,
    paypro: {},
    createdAt,
    updatedAt: createdAt,
    history: [{ at: createdAt, source: 'api', status: 'PENDING', note: 'payout requested' }],
  };
}

/** The move of `payout` to `to` at `at` as settle builds it, with its event. */
function move(payout: Payout, to: Exclude<PayoutStatus, 'PENDING'>, at: string, code: string): Transition {
  const paypro = { code, message: `status ${code}` };
  const after = { ...payout, status: to, paypro: { ...payout.paypro, ...paypro }, updatedAt: at };
  return {
    to,
    at,
    paypro,
    entry: { at, source: 'query', status: to, code },
    event: statusChanged(payout, after, at),
  };
}

/** Three tradeNos on one shard of the due and outbox indexes, so one query sees them all. */
function sameShard(prefix: string): [string, string, string] {
  const found: string[] = [];
  const key = openPartitionKey(`${prefix}-0`);
  for (let i = 0; found.length < 3; i += 1) {
    if (openPartitionKey(`${prefix}-${i}`) === key) found.push(`${prefix}-${i}`);
  }
  return found as [string, string, string];
}

describe.each([
  ['the in-memory PayoutStore', inMemory],
  ['PayoutRepository on dynalite', onDynalite],
])('%s', (_name, open) => {
  it('gives a created payout back as written, and refuses a second create of its tradeNo with PayoutExistsError', async () => {
    // Prepare
    const { payouts } = await open();
    const first = pending('c-1');
    await payouts.create(first, T1);

    // Act
    const again = await payouts.create({ ...first, amount: 99, requestHash: 'other' }, T1).catch(caught);

    // Assess
    expect(again).toBeInstanceOf(PayoutExistsError);
    expect(await payouts.get('c-1')).toEqual(first);
    expect(await payouts.get('c-missing')).toBeUndefined();
  });

  it('claims a PENDING payout for sending once: a second claim, or a claim of a payout not PENDING or missing, is StaleStateError', async () => {
    // Prepare
    const { payouts } = await open();
    await payouts.create(pending('s-1'), T1);
    await payouts.create(pending('s-2'), T1);
    await payouts.transition('s-2', move(pending('s-2'), 'FAILED', T1, '2001'));

    // Act
    await payouts.markSent('s-1', T1, 'claim-a');
    const refusals = await Promise.allSettled([
      payouts.markSent('s-1', T2, 'claim-b'),
      payouts.markSent('s-2', T2, 'claim-c'),
      payouts.markSent('s-missing', T2, 'claim-d'),
    ]);

    // Assess
    expect(refusals.map((r) => r.status === 'rejected' && r.reason instanceof StaleStateError)).toEqual([
      true,
      true,
      true,
    ]);
    expect(await payouts.get('s-1')).toEqual({
      ...pending('s-1'),
      sentAt: T1,
      sendClaim: 'claim-a',
      updatedAt: T1,
    });
  });

  it('moves a payout along the state machine with its events, and refuses a stale version or a move out of a final state', async () => {
    // Prepare
    const { payouts } = await open();
    const created = pending('t-1');
    await payouts.create(created, T1);

    // Act
    const processing = await payouts.transition('t-1', move(created, 'PROCESSING', T1, '0015'));
    const stale = await payouts.transition('t-1', move(created, 'SUCCEEDED', T2, '0000')).catch(caught);
    const succeeded = await payouts.transition('t-1', move(processing, 'SUCCEEDED', T2, '0000'));
    const outOfFinal = await payouts.transition('t-1', move(succeeded, 'FAILED', T3, '2001')).catch(caught);

    // Assess
    expect(stale).toBeInstanceOf(StaleStateError);
    expect(outOfFinal).toBeInstanceOf(StaleStateError);
    expect(succeeded).toEqual({
      ...created,
      status: 'SUCCEEDED',
      version: 2,
      updatedAt: T2,
      paypro: { code: '0000', message: 'status 0000' },
      history: [
        ...created.history,
        { at: T1, source: 'query', status: 'PROCESSING', code: '0015' },
        { at: T2, source: 'query', status: 'SUCCEEDED', code: '0000' },
      ],
    });
    expect(await payouts.get('t-1')).toEqual(succeeded);
    expect((await payouts.readOutbox('t-1')).map((e) => [e.version, e.type])).toEqual([
      [1, 'Payout Processing'],
      [2, 'Payout Succeeded'],
    ]);
  });

  it('refuses an unsent-only move of a payout that was sent', async () => {
    // Prepare
    const { payouts } = await open();
    await payouts.create(pending('u-1'), T1);
    await payouts.markSent('u-1', T1, 'claim');
    const sent = (await payouts.get('u-1')) as Payout;

    // Act
    const moving = await payouts
      .transition('u-1', { ...move(sent, 'FAILED', T2, 'operator'), unsentOnly: true })
      .catch(caught);

    // Assess
    expect(moving).toBeInstanceOf(StaleStateError);
    expect(await payouts.get('u-1')).toEqual(sent);
  });

  it('lists and counts due payouts most overdue first, a page at a time, and lets one claim of each check through', async () => {
    // Prepare
    const { payouts } = await open();
    const [a, b, c] = sameShard('d');
    await payouts.create(pending(a), T2);
    await payouts.create(pending(b), T1);
    await payouts.create(pending(c), T3);

    // Act
    const first = await payouts.listDue(T2, 1);
    const second = await payouts.listDue(T2, 1, first.cursor);
    const counted = await payouts.countDue(T2);
    const claimed = await payouts.claimCheck({ tradeNo: b, checkAfter: T1, createdAt: T0 }, T3);
    const claimedAgain = await payouts.claimCheck({ tradeNo: b, checkAfter: T1, createdAt: T0 }, T3);

    // Assess
    expect(first.refs).toEqual([{ tradeNo: b, checkAfter: T1, createdAt: T0 }]);
    expect(first.cursor).toBeDefined();
    expect(second.refs).toEqual([{ tradeNo: a, checkAfter: T2, createdAt: T0 }]);
    expect(counted).toEqual({ count: 2, oldestCheckAfter: T1 });
    expect(claimed).toEqual(pending(b));
    expect(claimedAgain).toBeUndefined();
    expect((await payouts.listDue(T2, 10)).refs).toEqual([{ tradeNo: a, checkAfter: T2, createdAt: T0 }]);
    expect(await payouts.countDue('2026-11-24T07:00:00.000Z')).toEqual({ count: 0 });
  });

  it('takes a payout out of the due index when it becomes final, and never claims it again', async () => {
    // Prepare
    const { payouts } = await open();
    await payouts.create(pending('f-1'), T1);
    await payouts.transition('f-1', move(pending('f-1'), 'SUCCEEDED', T1, '0000'));

    // Act
    const counted = await payouts.countDue(T3);
    const claimed = await payouts.claimCheck({ tradeNo: 'f-1', checkAfter: T1, createdAt: T0 }, T3);

    // Assess
    expect(counted).toEqual({ count: 0 });
    expect(claimed).toBeUndefined();
  });

  it('flags an open payout once, and never a flagged, final or moved one', async () => {
    // Prepare
    const { payouts } = await open();
    await payouts.create(pending('g-1'), T1);
    await payouts.create(pending('g-2'), T1);
    await payouts.transition('g-2', move(pending('g-2'), 'FAILED', T1, '2001'));
    const entry = { at: T2, source: 'reconciler' as const, note: 'needs a human' };

    // Act
    const stale = await payouts.flag('g-1', entry, { ...flagged(pending('g-1'), T2), version: 2 });
    const once = await payouts.flag('g-1', entry, flagged(pending('g-1'), T2));
    const twice = await payouts.flag('g-1', entry, { ...flagged(pending('g-1'), T2), version: 2 });
    const final = await payouts.flag('g-2', entry, flagged({ ...pending('g-2'), version: 1 }, T2));

    // Assess
    expect([stale, once, twice, final]).toEqual([false, true, false, false]);
    expect(await payouts.get('g-1')).toEqual({
      ...pending('g-1'),
      flaggedAt: T2,
      updatedAt: T2,
      version: 1,
      history: [...pending('g-1').history, entry],
    });
  });

  it('appends to the history up to its limit, committing an event only on its version', async () => {
    // Prepare
    const { payouts } = await open();
    await payouts.create(pending('h-1'), T1);
    const note = { at: T2, source: 'paypro-payout' as const, note: 'outcome unknown' };
    const detail = { source: 'query', reportedStatus: '2001', note: 'contradicts' };

    // Act
    await payouts.appendHistory('h-1', note, T2);
    await payouts.appendHistory('h-1', note, T2, undefined, anomaly(pending('h-1'), T2, detail));
    const staleEvent = await payouts
      .appendHistory('h-1', note, T3, undefined, anomaly(pending('h-1'), T3, detail))
      .catch(caught);
    const full = await payouts.appendHistory('h-1', note, T3, 3).catch(caught);

    // Assess
    expect(staleEvent).toBeInstanceOf(StaleStateError);
    expect(full).toBeInstanceOf(StaleStateError);
    expect(await payouts.get('h-1')).toEqual({
      ...pending('h-1'),
      updatedAt: T2,
      version: 1,
      history: [...pending('h-1').history, note, note],
    });
  });

  it('records a failed send with its note on a sent PENDING payout only, within the history limit, due at once', async () => {
    // Prepare: recorded due at T3, as a batch item is after its grace.
    const { payouts } = await open();
    for (const tradeNo of ['sf-1', 'sf-2', 'sf-3', 'sf-4']) await payouts.create(pending(tradeNo), T3);
    for (const tradeNo of ['sf-1', 'sf-3', 'sf-4']) await payouts.markSent(tradeNo, T1, `claim-${tradeNo}`);
    const sent = await payouts.get('sf-3');
    await payouts.transition('sf-3', move(sent as Payout, 'PROCESSING', T2, '0015'));
    const failure = { class: 'not-taken-in' as const, detail: "HTTP 503 without Paypro's envelope", at: T2 };
    const entry = {
      at: T2,
      source: 'paypro-payout' as const,
      note: `send failed, not taken in: ${failure.detail}`,
    };

    // Act
    await payouts.recordSendFailure('sf-1', failure, entry);
    const unsent = await payouts.recordSendFailure('sf-2', failure, entry).catch(caught);
    const movedOn = await payouts.recordSendFailure('sf-3', failure, entry).catch(caught);
    const full = await payouts.recordSendFailure('sf-4', failure, entry, 1).catch(caught);
    const missing = await payouts.recordSendFailure('sf-0', failure, entry).catch(caught);

    // Assess
    expect([unsent, movedOn, full, missing].map((e) => e instanceof StaleStateError)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(await payouts.get('sf-1')).toEqual({
      ...pending('sf-1'),
      sentAt: T1,
      sendClaim: 'claim-sf-1',
      sendFailure: failure,
      updatedAt: T2,
      history: [...pending('sf-1').history, entry],
    });
    expect(await payouts.get('sf-2')).toEqual(pending('sf-2'));
    expect((await payouts.get('sf-4'))?.sendFailure).toBeUndefined();
    // The reconciler finds the failed send at the failure's time, not at the grace's end.
    const dueAtFailure = (await payouts.listDue(T2, 10)).refs;
    expect(dueAtFailure.map((ref) => ref.tradeNo)).toEqual(['sf-1']);
    expect(dueAtFailure[0]?.checkAfter).toBe(T2);
  });

  it('keeps events in the outbox in version order until exactly those are cleared, and lists waiting payouts', async () => {
    // Prepare
    const { payouts } = await open();
    const [a, b] = sameShard('o');
    await payouts.create(pending(a), T1);
    await payouts.create(pending(b), T1);
    const processing = await payouts.transition(a, move(pending(a), 'PROCESSING', T1, '0015'));
    await payouts.transition(a, move(processing, 'SUCCEEDED', T2, '0000'));

    // Act
    const waiting = await payouts.listOutbox(T3, 10);
    const events = await payouts.readOutbox(a);
    const clearedTooFew = await payouts.clearOutbox(a, 1);
    const cleared = await payouts.clearOutbox(a, 2);
    const clearedEmpty = await payouts.clearOutbox(b, 0);

    // Assess
    expect(waiting.tradeNos).toEqual([a]);
    expect(events.map((e) => e.eventId)).toEqual([`${a}:1`, `${a}:2`]);
    expect([clearedTooFew, cleared, clearedEmpty]).toEqual([false, true, false]);
    expect(await payouts.readOutbox(a)).toEqual([]);
    expect((await payouts.listOutbox(T3, 10)).tradeNos).toEqual([]);
  });

  it('lets a batch adopt a payout of no batch that pays the same, once', async () => {
    // Prepare
    const { payouts, batchPayouts } = await open();
    await payouts.create(pending('a-1'), T1);

    // Act
    const otherHash = await batchPayouts.adopt('a-1', 'batch-1', 'other-hash', T2);
    const adopted = await batchPayouts.adopt('a-1', 'batch-1', 'hash-a-1', T2);
    const again = await batchPayouts.adopt('a-1', 'batch-2', 'hash-a-1', T3);
    const missing = await batchPayouts.adopt('a-missing', 'batch-1', 'hash-a-missing', T2);
    const many = await batchPayouts.getMany(['a-1', 'a-missing']);

    // Assess
    expect([otherHash, adopted, again, missing]).toEqual([false, true, false, false]);
    expect([...many.entries()]).toEqual([['a-1', { ...pending('a-1'), batchId: 'batch-1', adoptedAt: T2 }]]);
  });
});
