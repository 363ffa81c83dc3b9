import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digitRangePattern } from '../../../contract/decimal-range';

describe('digitRangePattern', () => {
  it('matches a digit string exactly when its value is in the range, leading zeros or not', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 20_000_000 }),
        fc.nat({ max: 3 }),
        (a, b, value, zeros) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          const pattern = new RegExp(digitRangePattern(min, max));

          expect(pattern.test(`${'0'.repeat(zeros)}${value}`)).toBe(value >= min && value <= max);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('states the service’s default amount bounds', () => {
    expect(digitRangePattern(50, 250_000)).toBe(
      '^0*(?:[5-9]\\d|[1-9]\\d{2}|[1-9]\\d{3}|[1-9]\\d{4}|1\\d{5}|2[0-4]\\d{4}|250000)$',
    );
  });

  it('matches nothing but digits', () => {
    const pattern = new RegExp(digitRangePattern(0, 1_000));

    expect(['', ' 1', '1 ', '+1', '1e2', '0x10', '1.0', '-1'].filter((text) => pattern.test(text))).toEqual(
      [],
    );
  });

  it('refuses a range that is not one', () => {
    expect(() => digitRangePattern(10, 9)).toThrow(RangeError);
    expect(() => digitRangePattern(-1, 9)).toThrow(RangeError);
  });
});
