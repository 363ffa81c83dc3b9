import type { InFlight, InFlightReader, Money } from '../float/in-flight';
import type { DueIndex } from '../payouts/store';
import type { PageCursor } from '../shared/page-cursor';
import { awaitsFundsCheck } from './batch';
import type { BatchPayouts, BatchStore } from './store';

/** What the money in flight is read from: the open payouts' index, their amounts, and the batches being recorded. */
export interface InFlightDeps {
  payouts: Pick<DueIndex, 'listOpen'>;
  batchPayouts: Pick<BatchPayouts, 'getStates'>;
  batches: Pick<BatchStore, 'listByStatus'>;
}

/**
 * The money in flight, read from the stores: every open payout (the due index lists them, keys
 * only, so their amounts are read in bulk) and, of each batch still RECORDING, what it has not
 * recorded yet (once the funds check let it through; batches waiting for funds count nothing). An
 * item recorded between the two reads may be counted twice, never missed.
 */
export class StoredInFlight implements InFlightReader {
  constructor(private readonly deps: InFlightDeps) {}

  /** Reads the open payouts and the unrecorded batch items now. */
  async read(): Promise<InFlight> {
    const queuedItems = await this.queued();
    const openPayouts = await this.open();
    return { openPayouts, queuedItems, amount: openPayouts.amount + queuedItems.amount };
  }

  private async open(): Promise<Money> {
    const tradeNos = await this.deps.payouts.listOpen();
    const states = await this.deps.batchPayouts.getStates(tradeNos);
    let count = 0;
    let amount = 0;
    // The index lags the table a little: a payout closed since is no longer in flight.
    for (const state of states.values()) {
      if (state.status !== 'PENDING' && state.status !== 'PROCESSING') continue;
      count += 1;
      amount += state.amount;
    }
    return { count, amount };
  }

  private async queued(): Promise<Money> {
    let count = 0;
    let amount = 0;
    let cursor: PageCursor | undefined;
    do {
      const page = await this.deps.batches.listByStatus('RECORDING', {
        limit: 100,
        ...(cursor && { cursor }),
      });
      for (const record of page.records) {
        // Not let through yet (it may be the very batch being checked): nothing of it will leave the float before.
        if (awaitsFundsCheck(record)) continue;
        // A header from before recordedAmount existed: count all of it, the safe side.
        const recorded = record.recordedAmount ?? 0;
        const recordedItems = record.recordedItems ?? 0;
        count += Math.max(0, record.itemCount - recordedItems);
        amount += Math.max(0, record.totalAmount - recorded);
      }
      cursor = page.cursor;
    } while (cursor);
    return { count, amount };
  }
}
