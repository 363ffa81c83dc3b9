import type { InFlight, InFlightReader, Money } from '../float/in-flight';
import { OPEN_PARTITION_KEYS } from '../payouts/keys';
import type { DueIndex } from '../payouts/store';
import { forEachLimit } from '../shared/concurrency';
import { awaitsFundsCheck } from './batch';
import type { BatchPayouts, BatchStore } from './store';

/** Later than any due time: the due index read with it lists every open payout. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';
const PAGE = 1000;
const SHARD_CONCURRENCY = 4;

/** The tradeNo of every open payout (PENDING or PROCESSING), from the due index: keys only, every shard. */
export async function openTradeNos(index: Pick<DueIndex, 'listDue'>): Promise<string[]> {
  const tradeNos: string[] = [];
  await forEachLimit(OPEN_PARTITION_KEYS, SHARD_CONCURRENCY, async (partitionKey) => {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await index.listDue(partitionKey, END_OF_TIME, PAGE, cursor);
      for (const ref of page.refs) tradeNos.push(ref.tradeNo);
      cursor = page.cursor;
    } while (cursor);
  });
  return tradeNos;
}

/** What the money in flight is read from: the open payouts' index, their amounts, and the batches being recorded. */
export interface InFlightDeps {
  payouts: Pick<DueIndex, 'listDue'>;
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
    const tradeNos = await openTradeNos(this.deps.payouts);
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
    let cursor: Record<string, unknown> | undefined;
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
