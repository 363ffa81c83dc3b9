import type { BatchCapLedger, CapTotal, CapTotalState, MarkChange } from '../../../lib/limits/store';

interface HeldCapTotal extends CapTotal {
  marks: Set<string>;
}

/**
 * The caps' counters in memory (BatchCapLedger), with DynamoCapLedger's conditions: a reservation
 * lands only within its limit (and, marked, only once per mark); a take-back never goes below
 * zero; a refused write changes nothing.
 */
export class InMemoryCapLedger implements BatchCapLedger {
  private readonly totals = new Map<string, HeldCapTotal>();
  /** How many writes landed: a refusal that "writes nothing" leaves it as it was. */
  writes = 0;

  /** Every counter as it stands now, by key: for a test's Assess. */
  snapshot(): Record<string, CapTotalState> {
    const all: Record<string, CapTotalState> = {};
    for (const key of [...this.totals.keys()].sort()) all[key] = this.stateOf(key);
    return all;
  }

  async tryAdd(key: string, add: CapTotal, limit: CapTotal, _expiresAt: number): Promise<boolean> {
    return this.reserve(key, add, limit);
  }

  async tryAddMarked(
    key: string,
    add: CapTotal,
    limit: CapTotal,
    _expiresAt: number,
    mark: string,
  ): Promise<boolean> {
    return this.reserve(key, add, limit, mark);
  }

  async subtract(key: string, sub: CapTotal): Promise<boolean> {
    return this.takeBack(key, sub);
  }

  async subtractMarked(key: string, sub: CapTotal, change: MarkChange): Promise<boolean> {
    return this.takeBack(key, sub, change);
  }

  async removeMarks(key: string, marks: readonly string[]): Promise<void> {
    const counter = this.totals.get(key);
    if (!counter || marks.length === 0) return;
    for (const mark of marks) counter.marks.delete(mark);
    this.writes += 1;
  }

  async read(key: string): Promise<CapTotalState> {
    return this.stateOf(key);
  }

  private stateOf(key: string): CapTotalState {
    const counter = this.totals.get(key);
    const marks = counter ? [...counter.marks] : [];
    return {
      amount: counter?.amount ?? 0,
      count: counter?.count ?? 0,
      ...(marks.length > 0 && { marks }),
    };
  }

  private reserve(key: string, add: CapTotal, limit: CapTotal, mark?: string): boolean {
    const counter = this.totals.get(key) ?? { amount: 0, count: 0, marks: new Set<string>() };
    const fits = counter.amount + add.amount <= limit.amount && counter.count + add.count <= limit.count;
    if (!fits || (mark !== undefined && counter.marks.has(mark))) return false;
    counter.amount += add.amount;
    counter.count += add.count;
    if (mark !== undefined) counter.marks.add(mark);
    this.totals.set(key, counter);
    this.writes += 1;
    return true;
  }

  private takeBack(key: string, sub: CapTotal, change?: MarkChange): boolean {
    const counter = this.totals.get(key);
    if (!counter || counter.amount < sub.amount || counter.count < sub.count) return false;
    if (change && !counter.marks.has(change.requires)) return false;
    if (change?.adds !== undefined && counter.marks.has(change.adds)) return false;
    counter.amount -= sub.amount;
    counter.count -= sub.count;
    if (change?.adds !== undefined) counter.marks.add(change.adds);
    for (const mark of change?.removes ?? []) counter.marks.delete(mark);
    this.writes += 1;
    return true;
  }
}
