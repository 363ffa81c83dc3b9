import type { FundsGate } from '../../../lib/float/funds-gate';

/** The funds gate in memory: one lease, taken and given up as DynamoFundsGate's conditions say. */
export class InMemoryFundsGate implements FundsGate {
  /** Who holds the gate and until when; undefined when free. */
  held: { owner: string; until: string } | undefined;
  /** How often a run was turned away because another held it. */
  refusals = 0;

  async acquire(owner: string, until: string, now: string): Promise<boolean> {
    if (this.held && this.held.until >= now && this.held.owner !== owner) {
      this.refusals += 1;
      return false;
    }
    this.held = { owner, until };
    return true;
  }

  async release(owner: string, holdUntil?: string): Promise<void> {
    if (this.held?.owner !== owner) return;
    this.held = holdUntil === undefined ? undefined : { owner, until: holdUntil };
  }
}
