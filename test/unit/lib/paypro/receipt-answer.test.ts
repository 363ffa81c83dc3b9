import { describe, expect, it } from 'vitest';
import { receiptCode } from '../../../../lib/paypro/receipt-answer';

describe('receiptCode', () => {
  it.each([
    ['SHL2A6WAQU', 'SHL2A6WAQU'],
    ['shl2a6waqu', 'SHL2A6WAQU'],
    ['  ShL2a6WaQu\n', 'SHL2A6WAQU'],
    ['0123456789', '0123456789'],
  ])('takes %j as the code %s', (input, expected) => {
    expect(receiptCode(input)).toBe(expected);
  });

  it.each([
    ['too short', 'SHL2A6WAQ'],
    ['too long', 'SHL2A6WAQUX'],
    ['a space inside', 'SHL2A 6WAQ'],
    ['a dash', 'SHL2A-6WAQ'],
    ['empty', ''],
    ['non-Latin letters', 'SHL2A6WAQÜ'],
    ['nine characters that upper-case to ten', 'shl2a6waß'],
  ])('refuses a code that is %s', (_case, input) => {
    expect(receiptCode(input)).toBeUndefined();
  });
});
