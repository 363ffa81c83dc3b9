import { describe, expect, it } from 'vitest';
import { isInsufficientFunds, outcomeOf } from '../../../../lib/paypro/codes';

describe('isInsufficientFunds', () => {
  it.each([
    ['00051', 'INSUFFICIENT_BALANCE'],
    ['1009', 'Insufficient funds'],
    ['00032', 'merchant float insufficient'],
    ['2009', 'Merchant balance not enough'],
    ['2009', 'NOT_ENOUGH_BALANCE'],
    ['3001', 'lack of funds'],
    ['3001', 'LOW_BALANCE'],
    ['3001', 'Balance too low'],
    ['3001', 'amount exceeds the available balance'],
  ])('recognises %s %s as a refusal for lack of funds', (code, message) => {
    expect(isInsufficientFunds(code, message)).toBe(true);
  });

  it.each([
    ['00029', 'REJECTED_TRANSACTION'],
    ['0100019', 'PAYEE_DAILY_CUMULATIVE_AMT_REACHED'],
    ['00032', 'UNKNOWN_ERROR'],
    ['1005', 'BALANCE_QUERY_ERROR'],
    ['00051', ''],
    // Not a failure: a success or a payout in progress is never a refusal, whatever its words.
    ['0000', 'SUCCESS, balance insufficient for the next one'],
    ['0015', 'INSUFFICIENT_BALANCE'],
  ])('does not take %s %s for a refusal for lack of funds', (code, message) => {
    expect(isInsufficientFunds(code, message)).toBe(false);
  });
});

describe('outcomeOf', () => {
  it('reads 0000 as paid, 0015 as in progress and any other code as a failure', () => {
    expect(['0000', '0015', '00051', '00029', ''].map(outcomeOf)).toEqual([
      'SUCCEEDED',
      'PROCESSING',
      'FAILED',
      'FAILED',
      'FAILED',
    ]);
  });
});
