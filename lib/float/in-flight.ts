/** A number of payouts and the shillings they carry. */
export interface Money {
  count: number;
  amount: number;
}

/**
 * Money that has left, or is about to leave, the merchant's float: payouts still open (PENDING or
 * PROCESSING, whether or not Paypro has debited them yet) and batch items past the funds check
 * that are not yet recorded as payouts. Counting an accepted payout that Paypro already debited
 * again can only make a batch wait a little longer, never send what the float cannot pay.
 */
export interface InFlight {
  openPayouts: Money;
  queuedItems: Money;
  /** openPayouts.amount + queuedItems.amount. */
  amount: number;
}

/** Reads the money in flight now (port). */
export interface InFlightReader {
  read(): Promise<InFlight>;
}
