import type { DueIndex } from '../payouts/store';
import type { HeldReader, HeldWork } from '../paypro/held';
import type { BatchPayouts } from './store';

/** What the held work is read from: the open payouts' index and each one's state. */
export interface HeldWorkDeps {
  payouts: Pick<DueIndex, 'listOpen'>;
  batchPayouts: Pick<BatchPayouts, 'getStates'>;
}

/**
 * The work held for Paypro (lib/paypro/held.ts), read as the money in flight is: every open payout
 * from the due index (keys only), then their states in bulk; those PENDING and never sent are held,
 * and their batchIds are the batches held. A payout sent between the two reads is not counted.
 */
export class StoredHeldWork implements HeldReader {
  constructor(private readonly deps: HeldWorkDeps) {}

  /** Reads the payouts never sent and their batches now. */
  async read(): Promise<HeldWork> {
    const states = await this.deps.batchPayouts.getStates(await this.deps.payouts.listOpen());
    let payouts = 0;
    let amount = 0;
    const batches = new Set<string>();
    for (const state of states.values()) {
      if (state.status !== 'PENDING' || state.sentAt !== undefined) continue;
      payouts += 1;
      amount += state.amount;
      if (state.batchId !== undefined) batches.add(state.batchId);
    }
    return { payouts, amount, batches: batches.size };
  }
}
