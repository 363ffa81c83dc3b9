import { describe, expect, it } from 'vitest';
import { sameAmount } from '../../../../lib/payouts/amount';

describe('sameAmount', () => {
  it.each([
    [3, 3],
    ['3', 3],
    ['3.0000', 3],
    ['3.0', 3],
    ['250000.00', 250000],
    ['0003', 3],
  ])('%j equals %d', (reported, recorded) => {
    expect(sameAmount(reported, recorded)).toBe(true);
  });

  it.each([
    [3.5, 3],
    ['3.0001', 3],
    ['4', 3],
    ['3.', 3],
    ['.0', 0],
    ['-3', 3],
    ['3e0', 3],
    ['', 3],
    ['3,00', 3],
    [Number.NaN, 3],
    ['30000000000000000000', 3],
    // 0.1 + 0.2 style float noise must not pass as equal.
    [100.00000000000001, 100],
  ])('%j differs from %d', (reported, recorded) => {
    expect(sameAmount(reported, recorded)).toBe(false);
  });
});
