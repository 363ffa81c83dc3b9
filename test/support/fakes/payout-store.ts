import type { BatchPayouts, PayoutState } from '../../../lib/batches/store';
import { PayoutExistsError, StaleStateError } from '../../../lib/errors';
import type { PayoutEvent } from '../../../lib/payouts/events';
import {
  OPEN_PARTITION_KEYS,
  OUTBOX_PARTITION_KEYS,
  openPartitionKey,
  outboxPartitionKey,
} from '../../../lib/payouts/keys';
import {
  allowedSources,
  type HistoryEntry,
  isFinal,
  type Payout,
  type SendFailure,
} from '../../../lib/payouts/payout';
import { type ShardPage, walkShards } from '../../../lib/payouts/shard-walk';
import type {
  DueCount,
  DuePage,
  DueRef,
  PayoutOutbox,
  PayoutStore,
  ResendRelease,
  ResendStore,
  Transition,
} from '../../../lib/payouts/store';
import type { PageCursor } from '../../../lib/shared/page-cursor';

/** A payout as the table holds it: the payout, and the index and outbox attributes the use cases never see. */
interface Row {
  payout: Payout;
  openPk?: string;
  checkAfter?: string;
  outbox?: PayoutEvent[];
  outboxSince?: string;
}

// What the document client does on the wire: undefined dropped, and no caller shares an object with the store.
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const HISTORY_MAX_ENTRIES = 50;

/** Orders as DynamoDB orders string keys (by code unit here; the keys are ASCII), not by locale. */
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The version an event may be committed on: the one before it (0: the payout has none yet). */
function versionHolds(payout: Payout, event: PayoutEvent): boolean {
  return (payout.version ?? 0) === event.version - 1;
}

/**
 * A page of one shard's `sorted` items after `start` (the key of the last item of the page before),
 * and where the next starts: as DynamoDB's LastEvaluatedKey, which shard-walk.ts walks the shards with.
 */
function pageOf<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  limit: number,
  start?: Record<string, unknown>,
): ShardPage<T> {
  const after = start?.key as string | undefined;
  const rest = after === undefined ? sorted : sorted.filter((item) => keyOf(item) > after);
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  return { items, ...(last && rest.length > items.length && { next: { key: keyOf(last) } }) };
}

/**
 * The payouts table in memory, as the use cases see it: PayoutStore (create, send, settle,
 * reconcile), PayoutOutbox (the publisher), BatchPayouts (batches) and ResendStore (resends). Every write checks the
 * same conditions as PayoutRepository's and refuses with the same domain errors (or `false`/
 * `undefined` where the port says so), and changes nothing when refused.
 * test/integration/payout-store-contract.test.ts holds both to the same assertions.
 */
export class InMemoryPayoutStore implements PayoutStore, PayoutOutbox, BatchPayouts, ResendStore {
  private readonly rows = new Map<string, Row>();

  /** Every payout as stored now, by tradeNo order: for a test's Assess. */
  all(): Payout[] {
    return [...this.rows.keys()].sort().map((tradeNo) => copy((this.rows.get(tradeNo) as Row).payout));
  }

  /**
   * Sets `fields` on a stored payout as a writer outside the ports the fake models would (what a
   * failed send proved, `sendFailure`): for a test's Prepare, between acts.
   */
  patch(tradeNo: string, fields: Partial<Payout>): void {
    const row = this.rows.get(tradeNo);
    if (!row) throw new Error(`no payout ${tradeNo} to patch`);
    Object.assign(row.payout, copy(fields));
  }

  /** Whether `tradeNo` is in the due index, and when it is due: for a test's Assess. */
  dueAt(tradeNo: string): string | undefined {
    return this.rows.get(tradeNo)?.checkAfter;
  }

  async create(payout: Payout, checkAfter: string): Promise<void> {
    if (this.rows.has(payout.tradeNo)) throw new PayoutExistsError(payout.tradeNo);
    const stored = copy({ ...payout, paypro: payout.paypro ?? {} });
    this.rows.set(payout.tradeNo, {
      payout: stored,
      ...(!isFinal(payout.status) && { openPk: openPartitionKey(payout.tradeNo), checkAfter }),
    });
  }

  async get(tradeNo: string): Promise<Payout | undefined> {
    const row = this.rows.get(tradeNo);
    return row ? copy(row.payout) : undefined;
  }

  async markSent(tradeNo: string, at: string, claim: string): Promise<void> {
    const row = this.rows.get(tradeNo);
    if (!row || row.payout.sentAt !== undefined || row.payout.status !== 'PENDING') {
      throw new StaleStateError(tradeNo, 'marking as sent');
    }
    Object.assign(row.payout, { sentAt: at, sendClaim: claim, updatedAt: at });
  }

  async transition(tradeNo: string, change: Transition): Promise<Payout> {
    const row = this.rows.get(tradeNo);
    const holds =
      row !== undefined &&
      allowedSources(change.to).includes(row.payout.status) &&
      versionHolds(row.payout, change.event) &&
      !(change.unsentOnly && row.payout.sentAt !== undefined);
    if (!holds) throw new StaleStateError(tradeNo, `moving to ${change.to}`);
    const payout = row.payout;
    payout.status = change.to;
    payout.updatedAt = change.at;
    payout.history = [...payout.history, copy(change.entry)];
    payout.paypro = { ...payout.paypro, ...copy(change.paypro ?? {}) };
    this.commit(row, change.event, change.at);
    if (isFinal(change.to)) {
      delete row.openPk;
      delete row.checkAfter;
    }
    return copy(payout);
  }

  async appendHistory(
    tradeNo: string,
    entry: HistoryEntry,
    at: string,
    maxEntries = HISTORY_MAX_ENTRIES,
    event?: PayoutEvent,
  ): Promise<void> {
    const row = this.rows.get(tradeNo);
    const holds =
      row !== undefined &&
      row.payout.history.length < maxEntries &&
      (event === undefined || versionHolds(row.payout, event));
    if (!holds) throw new StaleStateError(tradeNo, 'appending history');
    row.payout.history = [...row.payout.history, copy(entry)];
    row.payout.updatedAt = at;
    if (event) this.commit(row, event, at);
  }

  async recordSendFailure(
    tradeNo: string,
    failure: SendFailure,
    entry: HistoryEntry,
    maxEntries = HISTORY_MAX_ENTRIES,
  ): Promise<void> {
    const row = this.rows.get(tradeNo);
    const holds =
      row !== undefined &&
      row.payout.sentAt !== undefined &&
      row.payout.status === 'PENDING' &&
      row.payout.history.length < maxEntries;
    if (!holds) throw new StaleStateError(tradeNo, 'recording a failed send');
    row.payout.sendFailure = copy(failure);
    row.payout.history = [...row.payout.history, copy(entry)];
    row.payout.updatedAt = failure.at;
    if (row.openPk !== undefined) row.checkAfter = failure.at;
  }

  async listDue(now: string, limit: number, cursor?: PageCursor): Promise<DuePage> {
    // Sharded as the DynamoDB index is, and walked alike: a shard's page at a time, in turn.
    const page = await walkShards(OPEN_PARTITION_KEYS, limit, cursor, 'round', async (key, wanted, start) =>
      pageOf(this.due(key, now), (r) => `${r.checkAfter}\u0000${r.tradeNo}`, wanted, start),
    );
    return { refs: page.items, ...(page.cursor && { cursor: page.cursor }) };
  }

  async countDue(now: string): Promise<DueCount> {
    const due = OPEN_PARTITION_KEYS.flatMap((key) => this.due(key, now));
    const oldest = due.map((ref) => ref.checkAfter).sort(byKey)[0];
    return oldest === undefined ? { count: 0 } : { count: due.length, oldestCheckAfter: oldest };
  }

  async listOpen(): Promise<string[]> {
    return [...this.rows.values()].filter((row) => row.openPk !== undefined).map((row) => row.payout.tradeNo);
  }

  async claimCheck(ref: DueRef, nextCheckAfter: string): Promise<Payout | undefined> {
    const row = this.rows.get(ref.tradeNo);
    if (!row || row.openPk === undefined || row.checkAfter !== ref.checkAfter) return undefined;
    row.checkAfter = nextCheckAfter;
    row.openPk = openPartitionKey(ref.tradeNo);
    return copy(row.payout);
  }

  async flag(tradeNo: string, entry: HistoryEntry, event: PayoutEvent): Promise<boolean> {
    const row = this.rows.get(tradeNo);
    const holds =
      row !== undefined &&
      row.openPk !== undefined &&
      row.payout.flaggedAt === undefined &&
      versionHolds(row.payout, event);
    if (!holds) return false;
    row.payout.flaggedAt = entry.at;
    row.payout.updatedAt = entry.at;
    row.payout.history = [...row.payout.history, copy(entry)];
    this.commit(row, event, entry.at);
    return true;
  }

  async markUnknown(tradeNo: string, sentAt: string, at: string, checkAfter: string): Promise<boolean> {
    const row = this.stillSent(tradeNo, sentAt);
    if (!row || row.payout.unknownSince !== undefined) return false;
    row.payout.unknownSince = at;
    row.checkAfter = checkAfter;
    return true;
  }

  async clearUnknown(tradeNo: string, since: string): Promise<boolean> {
    const row = this.rows.get(tradeNo);
    if (!row || row.payout.unknownSince !== since) return false;
    delete row.payout.unknownSince;
    return true;
  }

  async recheckAt(tradeNo: string, sentAt: string, checkAfter: string): Promise<boolean> {
    const row = this.stillSent(tradeNo, sentAt);
    if (!row) return false;
    row.checkAfter = checkAfter;
    return true;
  }

  async release(tradeNo: string, release: ResendRelease): Promise<Payout | undefined> {
    const row = this.stillSent(tradeNo, release.sentAt);
    const holds =
      row !== undefined &&
      row.payout.status === 'PENDING' &&
      (release.unknownSince === undefined || row.payout.unknownSince === release.unknownSince) &&
      (release.maxResends === undefined || (row.payout.resends ?? 0) < release.maxResends);
    if (!holds) return undefined;
    const payout = row.payout;
    delete payout.sentAt;
    delete payout.sendClaim;
    delete payout.sendFailure;
    delete payout.unknownSince;
    payout.resends = (payout.resends ?? 0) + 1;
    payout.updatedAt = release.at;
    payout.history = [...payout.history, copy(release.entry)];
    row.checkAfter = release.checkAfter;
    return copy(payout);
  }

  async readOutbox(tradeNo: string): Promise<PayoutEvent[]> {
    const events = this.rows.get(tradeNo)?.outbox ?? [];
    return copy(events).sort((a, b) => a.version - b.version);
  }

  async clearOutbox(tradeNo: string, count: number): Promise<boolean> {
    const row = this.rows.get(tradeNo);
    if (row?.outbox === undefined || row.outbox.length !== count) return false;
    delete row.outbox;
    delete row.outboxSince;
    return true;
  }

  async listOutbox(
    before: string,
    limit: number,
    cursor?: PageCursor,
  ): Promise<{ tradeNos: string[]; cursor?: PageCursor }> {
    const page = await walkShards(OUTBOX_PARTITION_KEYS, limit, cursor, 'depth', async (key, wanted, start) =>
      pageOf(this.waiting(key, before), (w) => `${w.since}\u0000${w.tradeNo}`, wanted, start),
    );
    return { tradeNos: page.items.map((w) => w.tradeNo), ...(page.cursor && { cursor: page.cursor }) };
  }

  /** The payouts under one outbox shard's `partitionKey` whose events have waited since `before`, oldest first. */
  private waiting(partitionKey: string, before: string): Array<{ tradeNo: string; since: string }> {
    return [...this.rows.values()]
      .filter((row) => row.outboxSince !== undefined && row.outboxSince <= before)
      .filter((row) => outboxPartitionKey(row.payout.tradeNo) === partitionKey)
      .map((row) => ({ tradeNo: row.payout.tradeNo, since: row.outboxSince as string }))
      .sort((a, b) => byKey(`${a.since}\u0000${a.tradeNo}`, `${b.since}\u0000${b.tradeNo}`));
  }

  async getMany(tradeNos: readonly string[]): Promise<Map<string, Payout>> {
    const found = new Map<string, Payout>();
    for (const tradeNo of new Set(tradeNos)) {
      const row = this.rows.get(tradeNo);
      if (row) found.set(tradeNo, copy(row.payout));
    }
    return found;
  }

  async getStates(tradeNos: readonly string[]): Promise<Map<string, PayoutState>> {
    const states = new Map<string, PayoutState>();
    for (const [tradeNo, payout] of await this.getMany(tradeNos)) {
      states.set(tradeNo, {
        tradeNo,
        status: payout.status,
        amount: payout.amount,
        ...(payout.batchId !== undefined && { batchId: payout.batchId }),
        ...(payout.paypro !== undefined && { paypro: payout.paypro }),
        ...(payout.sentAt !== undefined && { sentAt: payout.sentAt }),
      });
    }
    return states;
  }

  async adopt(tradeNo: string, batchId: string, requestHash: string, at: string): Promise<boolean> {
    const row = this.rows.get(tradeNo);
    if (!row || row.payout.batchId !== undefined || row.payout.requestHash !== requestHash) return false;
    Object.assign(row.payout, { batchId, adoptedAt: at });
    return true;
  }

  /** The row of an open payout still sent at `sentAt` (ResendRepository's condition), or undefined. */
  private stillSent(tradeNo: string, sentAt: string): Row | undefined {
    const row = this.rows.get(tradeNo);
    return row?.openPk !== undefined && row.payout.sentAt === sentAt ? row : undefined;
  }

  /** The open payouts under `partitionKey` due at `now`, most overdue first. */
  private due(partitionKey: string, now: string): DueRef[] {
    return [...this.rows.values()]
      .filter((row) => row.openPk === partitionKey && (row.checkAfter as string) <= now)
      .map((row) => ({
        tradeNo: row.payout.tradeNo,
        checkAfter: row.checkAfter as string,
        createdAt: row.payout.createdAt,
      }))
      .sort((a, b) => byKey(`${a.checkAfter}\u0000${a.tradeNo}`, `${b.checkAfter}\u0000${b.tradeNo}`));
  }

  /** Commits `event` with the write: the version moves to it, the outbox holds it, waiting since its first. */
  private commit(row: Row, event: PayoutEvent, at: string): void {
    row.payout.version = event.version;
    row.outbox = [...(row.outbox ?? []), copy(event)];
    row.outboxSince ??= at;
  }
}
