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
 * `msg`: "insufficient" (INSUFFICIENT_BALANCE, Insufficient funds), "not enough", "lack of
 * funds/balance/float", "low balance", "balance too low", or an amount that "exceeds the balance".
 * A bare "balance" is not enough (BALANCE_QUERY_ERROR is no refusal for funds). The code is not
 * matched: the sandbox's 00051 is its own invention, and Paypro's real one is unknown.
 */
const INSUFFICIENT_FUNDS =
  /insufficient|not[\s_-]*enough|lack[\s_-]*of[\s_-]*(funds?|balance|float)|low[\s_-]*(balance|funds?|float)|(balance|funds?|float)[\s_-]*(is[\s_-]*)?too[\s_-]*low|exceeds?[\s_-]*(the[\s_-]*)?(available[\s_-]*)?(balance|funds?|float)/i;

/** True when Paypro's answer (a failure code and its message) says the merchant's balance could not cover the payout. */
export function isInsufficientFunds(code: string, message: string): boolean {
  return outcomeOf(code) === 'FAILED' && INSUFFICIENT_FUNDS.test(message);
}
