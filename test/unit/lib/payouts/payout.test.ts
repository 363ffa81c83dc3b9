import { describe, expect, it } from 'vitest';
import {
  allowedSources,
  canTransition,
  isFinal,
  PAYOUT_STATUSES,
  type PayoutStatus,
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
