/**
 * Asks the float monitor to read the balance at its next run instead of at its next due time
 * (port): a payout Paypro refused for lack of funds must not wait five minutes to be noticed.
 */
export interface FloatCheckRequests {
  /** Records that a check is wanted from `at` on, and why; never throws for the caller to handle. */
  request(at: string, reason: string): Promise<void>;
}
