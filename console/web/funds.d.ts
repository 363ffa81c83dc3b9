/** What a batch's summary says of its last funds check (BatchFunds in openapi.json). */
export interface BatchFundsInput {
  available?: number;
  inFlight: number;
  needed: number;
  checkedAt: string;
  readError?: string;
}

/** The last funds check as label and value pairs, written as the console shows them. */
export function fundsFigures(funds: BatchFundsInput): Array<[string, string]>;

/** The last funds check in one line, for the batches list. */
export function fundsLine(funds: BatchFundsInput): string;
