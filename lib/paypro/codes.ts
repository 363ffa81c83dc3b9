/** Paypro transaction status codes (`data.status`) that the service acts on. */
export const PAYPRO_STATUS = {
  succeeded: '0000',
  processing: '0015',
} as const;

/** What a Paypro transaction status means for a payout. */
export type PayproOutcome = 'SUCCEEDED' | 'PROCESSING' | 'FAILED';

/** Maps `data.status` to an outcome: 0000 success, 0015 processing, any other code a failure. */
export function outcomeOf(status: string): PayproOutcome {
  if (status === PAYPRO_STATUS.succeeded) return 'SUCCEEDED';
  if (status === PAYPRO_STATUS.processing) return 'PROCESSING';
  return 'FAILED';
}

/*
 * Paypro documents no code for a payout refused because the merchant's balance (float) cannot
 * cover it, so it is recognised by its words, in `data.status`'s message or a first-layer refusal's
 * `msg`: "insufficient", "not enough", "too low" or "lack of" next to balance/funds/float/money
 * (INSUFFICIENT_BALANCE, Insufficient funds, Merchant balance not enough, The balance is
 * insufficient), "low balance", or an amount that "exceeds the balance". The money word is
 * required: INSUFFICIENT_PERMISSIONS or NOT_ENOUGH_PARAMS, and a bare BALANCE_QUERY_ERROR, are no
 * refusal for funds. The code is not matched: the sandbox's 00051 is its own invention, and
 * Paypro's real one is unknown.
 */
const MONEY = '(balance|funds?|float|money)';
const GAP = String.raw`[\s_-]*`;
const INSUFFICIENT_FUNDS = new RegExp(
  [
    `(insufficient|not${GAP}enough)${GAP}(merchant${GAP})?(account${GAP})?${MONEY}`,
    `${MONEY}${GAP}(is${GAP})?(insufficient|not${GAP}enough|too${GAP}low)`,
    `lack${GAP}of${GAP}${MONEY}`,
    `low${GAP}${MONEY}`,
    `exceeds?${GAP}(the${GAP})?(available${GAP})?${MONEY}`,
  ].join('|'),
  'i',
);

/** True when Paypro's answer (a failure code and its message) says the merchant's balance could not cover the payout. */
export function isInsufficientFunds(code: string, message: string): boolean {
  return outcomeOf(code) === 'FAILED' && INSUFFICIENT_FUNDS.test(message);
}
