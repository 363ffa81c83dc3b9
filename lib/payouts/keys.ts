import { kenyaDate } from '../shared/kenya-time';
import type { Payout } from './payout';

/*
 * The payouts table's key and index design: which attributes put a payout in which index, under
 * which partition key. Must match `infra/payouts-table.json`.
 */

/**
 * Sparse index of open payouts: only PENDING/PROCESSING items carry `openPk` and
 * `checkAfter` (when the reconciler should next ask Paypro), so the reconciler lists the
 * due ones without a scan. It projects only the keys and `createdAt` (what the reconciler
 * reads before it claims a payout), so status and history updates never write to it. Must
 * match `infra/payouts-table.json`.
 */
export const DUE_PAYOUTS_INDEX = 'due-payouts';

/**
 * How many partition keys (`OPEN#0` … `OPEN#15`) the index spreads open payouts over. Each
 * payout costs the index about two writes (in when recorded, out when final) plus two per
 * reconciler check, so at 1,000 payouts/s one key takes about 2,000/16 = 125 writes/s, far
 * below DynamoDB's 1,000 writes/s per partition. The one place this number lives.
 */
export const OPEN_SHARDS = 16;

/**
 * The single key every open payout carried before the index was sharded. Items written by
 * that release keep it until their first check moves them to their shard, so the reconciler
 * reads it too for one release (docs/deploy-and-upgrade.md, "Upgrading a stage").
 */
export const LEGACY_OPEN_PK = 'OPEN';

/** Every partition key the reconciler reads: the shards, then the legacy key. */
export const OPEN_PARTITION_KEYS: readonly string[] = [
  ...Array.from({ length: OPEN_SHARDS }, (_, i) => `OPEN#${i}`),
  LEGACY_OPEN_PK,
];

/** The index partition key of an open payout: `OPEN#<n>`, n a stable hash of the tradeNo. */
export function openPartitionKey(tradeNo: string): string {
  return `OPEN#${shardOf(tradeNo)}`;
}

/** The shard (0 … OPEN_SHARDS - 1) of a tradeNo, the same in every sharded index. */
function shardOf(tradeNo: string): number {
  // FNV-1a: cheap, stable across releases and runtimes, and even enough over tradeNos.
  let hash = 0x811c9dc5;
  for (let i = 0; i < tradeNo.length; i += 1) {
    hash ^= tradeNo.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % OPEN_SHARDS;
}

/**
 * Index of every payout by the Kenya day it was created (the operator's list and daily report):
 * `dayPk = DAY#<YYYY-MM-DD>#<n>` (n the tradeNo's shard, so one busy day spreads over 16 keys)
 * and `daySk = <createdAt>#<tradeNo>` (unique, in creation order; batch items share a createdAt).
 * It projects what a list line and a report row show and no `updatedAt`, history or outbox, so
 * only the insert, status changes and the flag write to it: about 3 index writes per payout.
 * Must match `infra/payouts-table.json`.
 */
export const PAYOUTS_BY_DAY_INDEX = 'payouts-by-day';

/** The day index partition key of a payout: `DAY#<Kenya day of createdAt>#<shard of tradeNo>`. */
export function dayPartitionKey(tradeNo: string, createdAt: string): string {
  return `DAY#${kenyaDate(createdAt)}#${shardOf(tradeNo)}`;
}

/** Every day index partition key of one Kenya day (`YYYY-MM-DD`). */
export function dayPartitionKeys(day: string): string[] {
  return Array.from({ length: OPEN_SHARDS }, (_, i) => `DAY#${day}#${i}`);
}

/** The day index sort key of a payout: creation order, the tradeNo breaking ties. */
export function daySortKey(tradeNo: string, createdAt: string): string {
  return `${createdAt}#${tradeNo}`;
}

/**
 * Sparse index of payouts with events not yet published (the outbox): only items whose
 * `outbox` list is not empty carry `outboxPk` (`OUTBOX#<n>`, sharded as the open index) and
 * `outboxSince`, so the publisher's sweep finds them without a scan. Keys only.
 */
export const OUTBOX_INDEX = 'outbox-pending';

/** Every partition key of the outbox index. */
export const OUTBOX_PARTITION_KEYS: readonly string[] = Array.from(
  { length: OPEN_SHARDS },
  (_, i) => `OUTBOX#${i}`,
);

/** The outbox index partition key of a payout. */
export function outboxPartitionKey(tradeNo: string): string {
  return openPartitionKey(tradeNo).replace('OPEN#', 'OUTBOX#');
}

/** A payout as the API and the use cases see it: the index and outbox attributes left out. */
export function fromItem(item: Record<string, unknown>): Payout {
  const {
    openPk: _openPk,
    checkAfter: _checkAfter,
    outbox: _outbox,
    outboxPk: _outboxPk,
    outboxSince: _outboxSince,
    dayPk: _dayPk,
    daySk: _daySk,
    ...payout
  } = item;
  return payout as unknown as Payout;
}
