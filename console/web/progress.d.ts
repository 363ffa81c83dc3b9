/** The fields of a BatchSummary the progress bar reads. */
export interface BatchProgressInput {
  status: string;
  itemCount: number;
  progress?: { counts?: Partial<Record<string, number>> };
}

/** Items in a final state, and the whole percent that makes of the batch (100 once completed). */
export function batchProgress(batch: BatchProgressInput): { final: number; percent: number };
