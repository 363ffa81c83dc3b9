import { describe, expect, it } from 'vitest';
import { StoredHeldWork } from '../../../../lib/batches/held-reader';
import type { Payout } from '../../../../lib/payouts/payout';
import { InMemoryPayoutStore } from '../../../support/fakes/payout-store';

const T0 = '2026-12-01T07:00:00.000Z';

/** Records a payout as create-payout or a batch's recording would. */
async function record(
  store: InMemoryPayoutStore,
  tradeNo: string,
  amount: number,
  extra: Partial<Payout> = {},
): Promise<void> {
  await store.create(
    {
      tradeNo,
      amount,
      mobile: '254712345678',
      status: 'PENDING',
      requestHash: `hash-${tradeNo}`,
      createdAt: T0,
      updatedAt: T0,
      history: [{ at: T0, source: 'api', status: 'PENDING' }],
      ...extra,
    },
    T0,
  );
}

describe('StoredHeldWork', () => {
  it('counts the payouts never sent to Paypro, their shillings and their batches', async () => {
    // Prepare
    const store = new InMemoryPayoutStore();
    await record(store, 'single-held', 1_000);
    await record(store, 'payroll-a-1', 2_500, { batchId: 'payroll-a' });
    await record(store, 'payroll-a-2', 2_500, { batchId: 'payroll-a' });
    await record(store, 'payroll-b-1', 700, { batchId: 'payroll-b' });
    // Sent before Paypro went down (its outcome is the reconciler's), or already answered.
    await record(store, 'payroll-b-2', 900, { batchId: 'payroll-b' });
    await store.markSent('payroll-b-2', T0, 'claim-1');
    await record(store, 'single-sent', 5_000);
    await store.markSent('single-sent', T0, 'claim-2');
    await record(store, 'payroll-c-1', 300, { batchId: 'payroll-c', status: 'PROCESSING', sentAt: T0 });
    await record(store, 'paid', 4_000, { status: 'SUCCEEDED', sentAt: T0 });

    // Act
    const held = await new StoredHeldWork({ payouts: store, batchPayouts: store }).read();

    // Assess
    expect(held).toEqual({ payouts: 4, amount: 6_700, batches: 2 });
  });

  it('holds nothing when every open payout was sent', async () => {
    // Prepare
    const store = new InMemoryPayoutStore();
    await record(store, 'sent', 1_000);
    await store.markSent('sent', T0, 'claim-1');

    // Act
    const held = await new StoredHeldWork({ payouts: store, batchPayouts: store }).read();

    // Assess
    expect(held).toEqual({ payouts: 0, amount: 0, batches: 0 });
  });
});
