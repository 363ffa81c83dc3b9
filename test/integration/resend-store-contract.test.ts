/*
 * The resend rule's writes (ResendStore), one contract for two stores: ResendRepository on
 * dynalite and the in-memory fake the unit tests use, so that what the reconciler and the
 * operator's resend rely on holds on DynamoDB's conditions as it does in memory.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayoutsTable, type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamodb';
import { DuePayoutRepository } from '../../lib/payouts/due';
import { statusChanged } from '../../lib/payouts/events';
import type { HistoryEntry, Payout } from '../../lib/payouts/payout';
import { ResendRepository } from '../../lib/payouts/resend-repository';
import type { DueIndex, PayoutStore, ResendStore } from '../../lib/payouts/store';
import { dynaliteDocumentClient } from '../support/dynalite-client';
import { InMemoryPayoutStore } from '../support/fakes/payout-store';

type Stores = { payouts: PayoutStore & DueIndex; resends: ResendStore };

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

async function onDynalite(): Promise<Stores> {
  tables += 1;
  const tableName = `payouts-resend-contract-${tables}`;
  await createPayoutsTable(dynamo.url, tableName);
  const client = dynaliteDocumentClient(dynamo.url);
  return {
    payouts: new DuePayoutRepository(client, tableName),
    resends: new ResendRepository(client, tableName),
  };
}

async function inMemory(): Promise<Stores> {
  const store = new InMemoryPayoutStore();
  return { payouts: store, resends: store };
}

const T0 = '2026-11-24T08:00:00.000Z';
const SENT = '2026-11-24T08:00:01.000Z';
const T1 = '2026-11-24T08:05:00.000Z';
const T2 = '2026-11-24T08:07:00.000Z';
const T3 = '2026-11-24T08:09:00.000Z';
const FAR = '2099-01-01T00:00:00.000Z';

function pending(tradeNo: string): Payout {
  return {
    tradeNo,
    amount: 1500,
    mobile: '254712345678',
    status: 'PENDING',
    requestHash: `hash-${tradeNo}`,
    paypro: {},
    createdAt: T0,
    updatedAt: T0,
    history: [{ at: T0, source: 'api', status: 'PENDING', note: 'payout requested' }],
  };
}

/** A payout recorded at T0 and claimed for sending at SENT, as sendOnce leaves one whose send failed. */
async function sentPayout(stores: Stores, tradeNo: string): Promise<Payout> {
  await stores.payouts.create(pending(tradeNo), T1);
  await stores.payouts.markSent(tradeNo, SENT, `claim-${tradeNo}`);
  return (await stores.payouts.get(tradeNo)) as Payout;
}

/** When the due index next offers `tradeNo` to the reconciler, or undefined when it is not there. */
async function dueAt(stores: Stores, tradeNo: string): Promise<string | undefined> {
  const page = await stores.payouts.listDue(FAR, 100);
  return page.refs.find((ref) => ref.tradeNo === tradeNo)?.checkAfter;
}

const byReconciler = (at: string): HistoryEntry => ({
  at,
  source: 'reconciler',
  note: 'sent again with the same tradeNo',
});

describe.each([
  ['on dynalite (ResendRepository)', onDynalite],
  ['in memory (the fake)', inMemory],
])('the resend writes %s', (_name, open) => {
  it('notes the first "unknown" answer once, for the payout still sent as read, and moves its next check', async () => {
    // Prepare
    const stores = await open();
    const payout = await sentPayout(stores, 'mu-1');
    await stores.payouts.create(pending('mu-never'), T1);

    // Act
    const first = await stores.resends.markUnknown('mu-1', SENT, T1, T2);
    const again = await stores.resends.markUnknown('mu-1', SENT, T2, T3);
    const otherSend = await stores.resends.markUnknown('mu-1', '2026-11-24T08:00:09.000Z', T1, T2);
    const neverSent = await stores.resends.markUnknown('mu-never', SENT, T1, T2);

    // Assess
    expect([first, again, otherSend, neverSent]).toEqual([true, false, false, false]);
    expect(await stores.payouts.get('mu-1')).toEqual({ ...payout, unknownSince: T1 });
    expect(await dueAt(stores, 'mu-1')).toBe(T2);
    expect((await stores.payouts.get('mu-never'))?.unknownSince).toBeUndefined();
  });

  it('never notes a final payout, and forgets the note only while it is the one given', async () => {
    // Prepare
    const stores = await open();
    const done = await sentPayout(stores, 'mu-final');
    const after = { ...done, status: 'SUCCEEDED' as const, updatedAt: T1 };
    await stores.payouts.transition('mu-final', {
      to: 'SUCCEEDED',
      at: T1,
      entry: { at: T1, source: 'query', status: 'SUCCEEDED', code: '0000' },
      event: statusChanged(done, after, T1),
    });
    await sentPayout(stores, 'mu-2');
    await stores.resends.markUnknown('mu-2', SENT, T1, T2);

    // Act
    const onFinal = await stores.resends.markUnknown('mu-final', SENT, T1, T2);
    const wrongSince = await stores.resends.clearUnknown('mu-2', T2);
    const cleared = await stores.resends.clearUnknown('mu-2', T1);
    const twice = await stores.resends.clearUnknown('mu-2', T1);

    // Assess
    expect([onFinal, wrongSince, cleared, twice]).toEqual([false, false, true, false]);
    expect((await stores.payouts.get('mu-final'))?.unknownSince).toBeUndefined();
    expect((await stores.payouts.get('mu-2'))?.unknownSince).toBeUndefined();
  });

  it('moves the next check of the payout still sent as read, and of no other', async () => {
    // Prepare
    const stores = await open();
    await sentPayout(stores, 'rc-1');

    // Act
    const moved = await stores.resends.recheckAt('rc-1', SENT, T3);
    const otherSend = await stores.resends.recheckAt('rc-1', T0, T2);
    const missing = await stores.resends.recheckAt('rc-none', SENT, T2);

    // Assess
    expect([moved, otherSend, missing]).toEqual([true, false, false]);
    expect(await dueAt(stores, 'rc-1')).toBe(T3);
  });

  it('releases a sent payout for one more send in one write, which a send can then claim', async () => {
    // Prepare: the send failed not taken in, and Paypro did not know it at T1.
    const stores = await open();
    await sentPayout(stores, 'rl-1');
    await stores.resends.markUnknown('rl-1', SENT, T1, T2);
    const before = (await stores.payouts.get('rl-1')) as Payout;

    // Act
    const released = await stores.resends.release('rl-1', {
      sentAt: SENT,
      unknownSince: T1,
      maxResends: 3,
      at: T2,
      entry: byReconciler(T2),
      checkAfter: T3,
    });
    const claimedAgain = await stores.payouts.markSent('rl-1', T2, 'claim-2').then(() => true);

    // Assess
    const { sentAt: _s, sendClaim: _c, unknownSince: _u, ...rest } = before;
    expect(released).toEqual({
      ...rest,
      resends: 1,
      updatedAt: T2,
      history: [...before.history, byReconciler(T2)],
    });
    expect(claimedAgain).toBe(true);
    expect(await dueAt(stores, 'rl-1')).toBe(T3);
  });

  it('refuses a release the reconciler decided on stale reads, or past MAX_RESENDS, but lets an operator past the limit', async () => {
    // Prepare: sent once again already (resends 1), and unknown since T1 after that.
    const stores = await open();
    await sentPayout(stores, 'rl-2');
    const release = {
      sentAt: SENT,
      unknownSince: T1,
      maxResends: 1,
      at: T2,
      entry: byReconciler(T2),
      checkAfter: T3,
    };
    await stores.resends.release('rl-2', { ...release, maxResends: 5, unknownSince: undefined });
    await stores.payouts.markSent('rl-2', SENT, 'claim-again');
    await stores.resends.markUnknown('rl-2', SENT, T1, T2);

    // Act
    const otherSend = await stores.resends.release('rl-2', { ...release, maxResends: 5, sentAt: T0 });
    const otherAnswer = await stores.resends.release('rl-2', { ...release, maxResends: 5, unknownSince: T2 });
    const pastLimit = await stores.resends.release('rl-2', release);
    const byOperator = await stores.resends.release('rl-2', {
      sentAt: SENT,
      at: T3,
      entry: { at: T3, source: 'operator', operator: 'local', reason: 'Paypro ticket 77: never received' },
      checkAfter: T3,
    });

    // Assess
    expect([otherSend, otherAnswer, pastLimit]).toEqual([undefined, undefined, undefined]);
    expect(byOperator).toMatchObject({ status: 'PENDING', resends: 2, updatedAt: T3 });
    expect(byOperator?.sentAt).toBeUndefined();
    expect(byOperator?.history.at(-1)).toEqual({
      at: T3,
      source: 'operator',
      operator: 'local',
      reason: 'Paypro ticket 77: never received',
    });
  });

  it('never releases a payout Paypro took in (PROCESSING) or a final one', async () => {
    // Prepare
    const stores = await open();
    const taken = await sentPayout(stores, 'rl-3');
    await stores.payouts.transition('rl-3', {
      to: 'PROCESSING',
      at: T1,
      entry: { at: T1, source: 'paypro-payout', status: 'PROCESSING', code: '0015' },
      event: statusChanged(taken, { ...taken, status: 'PROCESSING', updatedAt: T1 }, T1),
    });
    const failed = await sentPayout(stores, 'rl-4');
    await stores.payouts.transition('rl-4', {
      to: 'FAILED',
      at: T1,
      entry: { at: T1, source: 'query', status: 'FAILED', code: '00029' },
      event: statusChanged(failed, { ...failed, status: 'FAILED', updatedAt: T1 }, T1),
    });
    const release = { sentAt: SENT, at: T2, entry: byReconciler(T2), checkAfter: T3 };

    // Act
    const processing = await stores.resends.release('rl-3', release);
    const final = await stores.resends.release('rl-4', release);

    // Assess
    expect([processing, final]).toEqual([undefined, undefined]);
    expect(await stores.payouts.get('rl-3')).toMatchObject({ status: 'PROCESSING', sentAt: SENT });
    expect(await stores.payouts.get('rl-4')).toMatchObject({ status: 'FAILED', sentAt: SENT });
  });
});
