/*
 * The work held for Paypro: what a breaker transition and the operators' view of it report. Read
 * from the stores by StoredHeldWork (lib/batches/held-reader.ts), which knows the payouts and batches.
 */

/**
 * The payouts recorded and never handed to Paypro (PENDING without `sentAt`), the shillings they
 * carry, and how many batches they belong to. While Paypro is unavailable, that is what waits for
 * it: single payouts answered 202 PENDING and batch items waiting in their queue. Payouts already
 * sent (outcome unknown) and batch lines not yet recorded as payouts are not in it.
 */
export interface HeldWork {
  payouts: number;
  /** Whole KES. */
  amount: number;
  batches: number;
}

/** Reads the work held now (port). */
export interface HeldReader {
  read(): Promise<HeldWork>;
}
