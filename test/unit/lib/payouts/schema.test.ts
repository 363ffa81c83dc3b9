import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../lib/errors';
import { normaliseMobile, parsePayoutRequest } from '../../../../lib/payouts/schema';

const bounds = { min: 50, max: 250_000 };

function problemsOf(body: unknown) {
  try {
    parsePayoutRequest(body, bounds);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('normaliseMobile', () => {
  it.each([
    ['0712345678', '254712345678'],
    ['0112345678', '254112345678'],
    ['712345678', '254712345678'],
    ['112345678', '254112345678'],
    ['+254712345678', '254712345678'],
    ['254712345678', '254712345678'],
    ['+254 712 345 678', '254712345678'],
    ['0712-345-678', '254712345678'],
    [' 254 115 555 088 ', '254115555088'],
  ])('normalises %j to %s', (raw, expected) => {
    expect(normaliseMobile(raw)).toBe(expected);
  });

  it.each([
    '0812345678', // not 1… or 7…
    '071234567', // too short
    '07123456789', // too long
    '255712345678', // Tanzania
    '+2540712345678',
    '0712.345.678',
    '07123456７8', // full-width digit
    // Only spaces (U+0020) and hyphens (-) separate digits, as docs/api.md and the API document say.
    '0712\u00a0345\u00a0678', // no-break space
    '0712\t345\t678',
    '0712\n345678',
    '0712345678\n',
    '\t0712345678',
    '0712\u2028345678', // line separator
    '\ufeff0712345678', // byte order mark
    '0712\u2003345\u2003678', // em space
    '0712\u2013345\u2013678', // en dash
    '+254\u00a0712345678',
    '',
    `07${'1'.repeat(100)}`,
  ])('rejects %j', (raw) => {
    expect(normaliseMobile(raw)).toBeUndefined();
  });
});

describe('parsePayoutRequest', () => {
  it('refuses a mobile with a separator other than a space or a hyphen with the usual message', () => {
    for (const mobile of ['0712\u00a0345\u00a0678', '0712\t345678', '0712\u2028345678', '\ufeff0712345678']) {
      expect(problemsOf({ amount: 100, mobile }), JSON.stringify(mobile)).toEqual([
        {
          field: 'mobile',
          message:
            'must be a Kenyan mobile number such as 0712345678 or +254712345678 (2547… or 2541…, 12 digits)',
        },
      ]);
    }
  });

  it('accepts amount as digits or integer and normalises the mobile', () => {
    expect(parsePayoutRequest({ amount: '100', mobile: '0712 345 678' }, bounds)).toEqual({
      amount: 100,
      mobile: '254712345678',
    });
    expect(
      parsePayoutRequest(
        { amount: 250_000, mobile: '+254112345678', tradeNo: 'A-b_9', remark: 'rent' },
        bounds,
      ),
    ).toEqual({ amount: 250_000, mobile: '254112345678', tradeNo: 'A-b_9', remark: 'rent' });
  });

  it('accepts the bounds themselves', () => {
    expect(parsePayoutRequest({ amount: 50, mobile: '0712345678' }, bounds).amount).toBe(50);
    expect(parsePayoutRequest({ amount: '250000', mobile: '0712345678' }, bounds).amount).toBe(250_000);
  });

  it.each([
    [49, 'must be between 50 and 250000 KES'],
    ['250001', 'must be between 50 and 250000 KES'],
    [0, 'must be between 50 and 250000 KES'],
    [100.5, 'must be a whole number of shillings, as an integer or a string of digits'],
    ['100.00', 'must be a whole number of shillings, as an integer or a string of digits'],
    ['-100', 'must be a whole number of shillings, as an integer or a string of digits'],
    ['1e3', 'must be a whole number of shillings, as an integer or a string of digits'],
    [' 100', 'must be a whole number of shillings, as an integer or a string of digits'],
    [true, 'must be a whole number of shillings, as an integer or a string of digits'],
    [null, 'must be a whole number of shillings, as an integer or a string of digits'],
    [Number.MAX_SAFE_INTEGER + 2, 'must be a whole number of shillings, as an integer or a string of digits'],
  ])('refuses amount %j', (amount, message) => {
    expect(problemsOf({ amount, mobile: '0712345678' })).toEqual([{ field: 'amount', message }]);
  });

  it('lists every problem with its field name, unknown fields included', () => {
    expect(
      problemsOf({ mobile: 712345678, tradeNo: 'has space', remark: 'x'.repeat(101), currency: 'KES' }),
    ).toEqual([
      { field: 'amount', message: 'is required' },
      {
        field: 'mobile',
        message:
          'must be a Kenyan mobile number such as 0712345678 or +254712345678 (2547… or 2541…, 12 digits)',
      },
      { field: 'tradeNo', message: 'must be 1 to 64 letters, digits, "_" or "-"' },
      { field: 'remark', message: 'must be at most 100 characters' },
      { field: 'currency', message: 'is not a known field' },
    ]);
  });

  it('refuses prototype-pollution keys as unknown fields', () => {
    const body = JSON.parse('{"amount":100,"mobile":"0712345678","__proto__":{"admin":true}}');
    expect(problemsOf(body)).toEqual([{ field: '__proto__', message: 'is not a known field' }]);
  });

  it('names an empty unknown key visibly', () => {
    // Found by fuzzing: `{"": 0}` produced a problem whose field was the empty string.
    expect(problemsOf({ amount: 100, mobile: '0712345678', '': 0 })).toEqual([
      { field: '""', message: 'is not a known field' },
    ]);
  });

  it('refuses a tradeNo longer than 64 characters', () => {
    expect(problemsOf({ amount: 100, mobile: '0712345678', tradeNo: 'a'.repeat(65) })).toEqual([
      { field: 'tradeNo', message: 'must be 1 to 64 letters, digits, "_" or "-"' },
    ]);
  });

  it.each([[null], [[1, 2]], ['a string'], [42]])('refuses a body that is not an object: %j', (body) => {
    expect(problemsOf(body)).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
  });
});
