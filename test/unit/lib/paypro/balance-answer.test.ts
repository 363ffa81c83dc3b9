import { describe, expect, it } from 'vitest';
import { parseBalance } from '../../../../lib/paypro/balance-answer';

describe('parseBalance', () => {
  it.each([
    {
      shape: 'three strings (other countries)',
      data: { availableAmount: '125000.50', freezeAmount: '200.00', unsettledAmount: '3000' },
      expected: { available: 125_000.5, frozen: 200, unsettled: 3000 },
    },
    {
      shape: 'three numbers (the sibling platform)',
      data: { availableAmount: 125000.5, freezeAmount: 0, unsettledAmount: 12.25 },
      expected: { available: 125_000.5, frozen: 0, unsettled: 12.25 },
    },
    {
      shape: 'the availablAmount misspelling (Indonesia)',
      data: { availablAmount: '900.00', freezeAmount: '1.00', unsettledAmount: '2.00' },
      expected: { available: 900, frozen: 1, unsettled: 2 },
    },
    {
      shape: 'freeze and unsettled missing or null',
      data: { availableAmount: '42', freezeAmount: null },
      expected: { available: 42, frozen: 0, unsettled: 0 },
    },
    {
      shape: 'a zero balance',
      data: { availableAmount: '0.00', freezeAmount: '0.00', unsettledAmount: '0.00' },
      expected: { available: 0, frozen: 0, unsettled: 0 },
    },
    {
      shape: 'the largest figure read, a trillion KES, and trailing zeros past 2 decimals',
      data: { availableAmount: '1000000000000.00', freezeAmount: 1e12, unsettledAmount: '120.5000' },
      expected: { available: 1e12, frozen: 1e12, unsettled: 120.5 },
    },
    {
      shape: 'surrounding spaces and extra fields',
      data: { availableAmount: ' 10.5 ', currency: 'KES' },
      expected: { available: 10.5, frozen: 0, unsettled: 0 },
    },
  ])('reads $shape', ({ data, expected }) => {
    expect(parseBalance(data)).toEqual(expected);
  });

  it.each([
    { shape: 'no available figure', data: { freezeAmount: '0.00', unsettledAmount: '0.00' } },
    { shape: 'available null', data: { availableAmount: null } },
    { shape: 'a negative available string', data: { availableAmount: '-5.00' } },
    { shape: 'a negative available number', data: { availableAmount: -5 } },
    { shape: 'NaN', data: { availableAmount: Number.NaN } },
    { shape: 'Infinity', data: { availableAmount: Number.POSITIVE_INFINITY } },
    { shape: 'a thousands separator', data: { availableAmount: '1,000' } },
    { shape: 'an empty string', data: { availableAmount: '' } },
    { shape: 'words', data: { availableAmount: 'plenty' } },
    { shape: 'an exponent', data: { availableAmount: '1e6' } },
    { shape: 'a boolean', data: { availableAmount: true } },
    { shape: '1 and 400 zeros (Infinity to Number())', data: { availableAmount: `1${'0'.repeat(400)}` } },
    { shape: 'a figure over a trillion KES', data: { availableAmount: '1000000000000.01' } },
    { shape: 'a number over a trillion KES', data: { availableAmount: 1e13 } },
    { shape: 'a frozen figure past any float', data: { availableAmount: '10', freezeAmount: 1e300 } },
    {
      shape: 'an unsettled figure of 400 digits',
      data: { availableAmount: '10', unsettledAmount: '9'.repeat(400) },
    },
    { shape: 'three decimals', data: { availableAmount: '10.005' } },
    { shape: 'a number with three decimals', data: { availableAmount: 0.001 } },
    { shape: 'a bad frozen figure', data: { availableAmount: '10', freezeAmount: 'n/a' } },
    { shape: 'a negative unsettled figure', data: { availableAmount: '10', unsettledAmount: -1 } },
    { shape: 'an array', data: [{ availableAmount: '10' }] },
    { shape: 'null', data: null },
    { shape: 'a string', data: '1000.00' },
    { shape: 'a number', data: 1000 },
  ])('calls $shape unreadable rather than guess a figure', ({ data }) => {
    expect(parseBalance(data)).toBeUndefined();
  });
});
