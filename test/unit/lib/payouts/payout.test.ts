import { describe, expect, it } from 'vitest';
import {
  allowedSources,
  canTransition,
  isFinal,
  PAYOUT_STATUSES,
  type PayoutStatus,
  pendingPayout,
} from '../../../../lib/payouts/payout';

// Every (from, to) pair, with the answer the lifecycle in design.md gives.
const ALLOWED = new Set([
  'PENDING>PROCESSING',
  'PENDING>SUCCEEDED',
  'PENDING>FAILED',
  'PROCESSING>SUCCEEDED',
  'PROCESSING>FAILED',
]);
const pairs = PAYOUT_STATUSES.flatMap((from) =>
  PAYOUT_STATUSES.map((to) => [from, to] as [PayoutStatus, PayoutStatus]),
);

describe('payout state machine', () => {
  it.each(pairs)('%s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}>${to}`));
  });

  it('lets nothing out of a final state', () => {
    for (const to of PAYOUT_STATUSES) {
      expect(allowedSources(to)).not.toContain('SUCCEEDED');
      expect(allowedSources(to)).not.toContain('FAILED');
    }
    expect(PAYOUT_STATUSES.filter(isFinal)).toEqual(['SUCCEEDED', 'FAILED']);
  });
});

describe('pendingPayout', () => {
  it('builds a PENDING payout of a batch, created at the batch instant and recorded later', () => {
    // Act
    const payout = pendingPayout({
      request: { tradeNo: 'T1', amount: 100, mobile: '254712345678', remark: 'rent' },
      requestHash: 'h',
      capDay: '2026-11-30',
      batchId: 'B1',
      createdAt: '2026-11-30T05:00:00.000Z',
      recordedAt: '2026-11-30T05:00:01.000Z',
      note: 'payout requested in batch B1',
    });

    // Assess
    expect(payout).toEqual({
      tradeNo: 'T1',
      amount: 100,
      mobile: '254712345678',
      remark: 'rent',
      batchId: 'B1',
      capDay: '2026-11-30',
      status: 'PENDING',
      requestHash: 'h',
      paypro: {},
      createdAt: '2026-11-30T05:00:00.000Z',
      updatedAt: '2026-11-30T05:00:01.000Z',
      history: [
        {
          at: '2026-11-30T05:00:01.000Z',
          source: 'api',
          status: 'PENDING',
          note: 'payout requested in batch B1',
        },
      ],
    });
  });

  it('leaves out the remark and batch a payout does not have', () => {
    const payout = pendingPayout({
      request: { tradeNo: 'T2', amount: 50, mobile: '254712345678' },
      requestHash: 'h',
      capDay: '2026-11-30',
      createdAt: '2026-11-30T05:00:00.000Z',
      recordedAt: '2026-11-30T05:00:00.000Z',
      note: 'payout requested',
    });

    expect(Object.keys(payout).filter((key) => key === 'remark' || key === 'batchId')).toEqual([]);
  });
});
