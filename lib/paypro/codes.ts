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
