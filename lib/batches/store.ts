import type { Payout } from '../payouts/payout';
import type { EventOutbox } from '../shared/outbox';
import type { PageCursor } from '../shared/page-cursor';
import type { BatchLine, BatchRecord, BatchStatus, LineRow, RejectedLine } from './batch';
import type { BatchEvent } from './events';

/*
 * The batches table, and the payouts table as batches use it, as the use cases see them (ports).
 * A refused condition is an answer here (`undefined`/`false`), never an SDK error; anything else
 * is StoreUnavailableError. BatchRepository and DynamoBatchPayouts are the DynamoDB ones.
 */

/** A change of a batch's header, made only if its conditions hold. */
export interface HeaderChange {
  /** The statuses the batch must be in. */
  from?: readonly BatchStatus[];
  /** The run that must hold the batch's lease. */
  lease?: string;
  /** Attributes that must hold these values (undefined: must be absent). */
  expect?: Record<string, string | number | boolean | undefined>;
  set?: Record<string, unknown>;
  remove?: readonly string[];
  /** The event the change commits, in the same write (the version moves by one, conditionally). */
  event?: BatchEvent;
}

/** Which page of a status's headers to read: newest first, before/since a list sort key, due by a time. */
export interface StatusPageOptions {
  limit: number;
  before?: string;
  since?: string;
  dueBy?: string;
  cursor?: PageCursor;
}

/** A page of headers in one status, and where the next page starts. */
export interface StatusPage {
  records: BatchRecord[];
  cursor?: PageCursor;
}

/** What intake, the steps, recording, the decisions, the list and the reads need of the batches table. */
export interface BatchStore extends EventOutbox<BatchEvent> {
  /** A batch's header as stored now (strongly consistent), or undefined. */
  get(batchId: string): Promise<BatchRecord | undefined>;
  /** Writes a new batch's header; false when the batchId is taken (the caller reads it then). */
  create(record: BatchRecord): Promise<boolean>;
  /** Applies `change` to the header if its conditions hold: the header after it, or undefined when refused. */
  update(batchId: string, change: HeaderChange): Promise<BatchRecord | undefined>;
  /**
   * Takes the lease for `owner` until `until` if nobody holds it, it expired at `now`, or `owner`
   * holds it, and sets `nextStepAt` to `until`: the header then, or undefined when another run holds it.
   */
  acquireLease(batchId: string, owner: string, until: string, now: string): Promise<BatchRecord | undefined>;
  /** Gives the lease up, if `owner` still holds it. */
  releaseLease(batchId: string, owner: string): Promise<void>;
  /** Stores the lines in rows of LINES_PER_ROW (the same rows every time); how many rows. */
  putLines(batchId: string, lines: readonly BatchLine[]): Promise<number>;
  /** The batch's rows of lines, in order (strongly consistent). */
  rows(batchId: string): Promise<LineRow[]>;
  /** Keeps on a row the lines recording rejected and those it adopted. Idempotent. */
  markRow(batchId: string, row: number, rejected: RejectedLine[], adopted: number[]): Promise<void>;
  /**
   * A page of the headers in `status`, newest first: created before `before` (a list sort key)
   * when given, at `since` or later when given, and only those with a step due at `dueBy` when given.
   */
  listByStatus(status: BatchStatus, options: StatusPageOptions): Promise<StatusPage>;
}

/**
 * What a batch's view, its completion, the money in flight and the work held for Paypro read of
 * each payout: owner, status, amount, Paypro's word, and whether it was ever handed to Paypro.
 */
export type PayoutState = Pick<Payout, 'tradeNo' | 'status' | 'amount' | 'batchId' | 'paypro' | 'sentAt'>;

/** What batches need of the payouts table: bulk reads, and recording or adopting a payout as a batch's. */
export interface BatchPayouts {
  /** Reads a payout (strongly consistent), or undefined. */
  get(tradeNo: string): Promise<Payout | undefined>;
  /** Reads many payouts (eventually consistent); the ones that do not exist are absent from the map. */
  getMany(tradeNos: readonly string[]): Promise<Map<string, Payout>>;
  /** As getMany, reading only each payout's state: a tenth of the bytes, for views of 10,000 items. */
  getStates(tradeNos: readonly string[]): Promise<Map<string, PayoutState>>;
  /** Writes a new payout, due for reconciliation at `checkAfter`; PayoutExistsError when its tradeNo is taken. */
  create(payout: Payout, checkAfter: string): Promise<void>;
  /**
   * Makes an existing payout of no batch the batch's, only if it still belongs to none and pays
   * what `requestHash` says: so a payout belongs to at most one batch. False when refused.
   */
  adopt(tradeNo: string, batchId: string, requestHash: string, at: string): Promise<boolean>;
}
