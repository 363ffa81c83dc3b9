import type { CapName, FieldProblem } from '../errors';
import type { FundsReading } from '../float/funds';
import type { PayoutStatus } from '../payouts/payout';

/**
 * Where a batch stands. RECEIVED (stored, answered 202) → AWAITING_APPROVAL (when its total needs
 * an operator's approval) → RECORDING (its items become payouts and are queued, once the funds
 * check found the float covers it) → SENDING → COMPLETED or COMPLETED_WITH_FAILURES; or
 * AWAITING_FUNDS (the float does not cover it yet: checked again until it does, nothing recorded)
 * before RECORDING; or REJECTED (over a recipient's cap) or CANCELLED (by an operator, by expiry,
 * or an interrupted intake), in which nothing was sent.
 */
export type BatchStatus =
  | 'RECEIVED'
  | 'AWAITING_APPROVAL'
  | 'AWAITING_FUNDS'
  | 'RECORDING'
  | 'SENDING'
  | 'COMPLETED'
  | 'COMPLETED_WITH_FAILURES'
  | 'REJECTED'
  | 'CANCELLED';

export const BATCH_STATUSES: readonly BatchStatus[] = [
  'RECEIVED',
  'AWAITING_APPROVAL',
  'AWAITING_FUNDS',
  'RECORDING',
  'SENDING',
  'COMPLETED',
  'COMPLETED_WITH_FAILURES',
  'REJECTED',
  'CANCELLED',
];

/**
 * The batch's state machine: for each status, the statuses a batch may move to it from. Every
 * status write (a step's move, an operator's decision) is checked against it, so a bug cannot
 * take a batch back to a state it has left or out of a final one. RECORDING → AWAITING_FUNDS is
 * the funds check sending back a batch that has recorded nothing yet; finals have no way out.
 */
const BATCH_SOURCES: Record<BatchStatus, readonly BatchStatus[]> = {
  RECEIVED: [],
  AWAITING_APPROVAL: ['RECEIVED'],
  AWAITING_FUNDS: ['RECORDING'],
  RECORDING: ['RECEIVED', 'AWAITING_APPROVAL', 'AWAITING_FUNDS'],
  SENDING: ['RECORDING'],
  COMPLETED: ['SENDING'],
  COMPLETED_WITH_FAILURES: ['SENDING'],
  REJECTED: ['RECEIVED'],
  CANCELLED: ['RECEIVED', 'AWAITING_APPROVAL', 'AWAITING_FUNDS'],
};

/** The statuses from which a batch may move to `to`. */
export function batchSources(to: BatchStatus): readonly BatchStatus[] {
  return BATCH_SOURCES[to];
}

/** True when the batch's state machine allows `from` → `to`. */
export function canMoveBatch(from: BatchStatus, to: BatchStatus): boolean {
  return BATCH_SOURCES[to].includes(from);
}

/** The states nothing moves a batch out of. */
export function isFinalBatch(status: BatchStatus): boolean {
  return (
    status === 'COMPLETED' ||
    status === 'COMPLETED_WITH_FAILURES' ||
    status === 'REJECTED' ||
    status === 'CANCELLED'
  );
}

/**
 * A RECORDING batch the funds check has not let through yet (it records nothing until then): its
 * unrecorded items are not money in flight. A header from before the check existed that already
 * recorded rows counts as let through.
 */
export function awaitsFundsCheck(
  record: Pick<BatchRecord, 'status' | 'fundsCheckedAt' | 'recordedRows'>,
): boolean {
  return (
    record.status === 'RECORDING' && record.fundsCheckedAt === undefined && (record.recordedRows ?? 0) === 0
  );
}

/** The states in which nothing of the batch was recorded or sent, and an operator may still cancel it. */
export const CANCELLABLE: readonly BatchStatus[] = ['RECEIVED', 'AWAITING_APPROVAL', 'AWAITING_FUNDS'];

/**
 * An item as a batch shows it: its payout's status once the batch owns one; PENDING before it is
 * recorded; REJECTED when another payout holds its tradeNo (or the whole batch was rejected);
 * CANCELLED when the batch was.
 */
export type ItemStatus = PayoutStatus | 'REJECTED' | 'CANCELLED';

export const ITEM_STATUSES: readonly ItemStatus[] = [
  'PENDING',
  'PROCESSING',
  'SUCCEEDED',
  'FAILED',
  'REJECTED',
  'CANCELLED',
];

/** One submitted line, as stored with the batch before any payout exists. */
export interface BatchLine {
  tradeNo: string;
  amount: number;
  mobile: string;
  remark?: string;
}

/** A line its batch did not record: another payout holds its tradeNo. */
export interface RejectedLine {
  index: number;
  reason: string;
}

/** One stored row of a batch's lines, and what recording found for them. */
export interface LineRow {
  row: number;
  /** Index of the row's first line in the batch. */
  first: number;
  lines: BatchLine[];
  /** Set once the row was recorded: the lines not recorded, and why. */
  rejected?: RejectedLine[];
  /** Set once the row was recorded: the lines whose existing identical payout the batch adopted. */
  adopted?: number[];
}

/** Who decided about a batch, when and why. */
export interface BatchDecision {
  /** An operator's IAM principal ARN (`local` under npm start), or `expiry`/`intake` for the service itself. */
  by: string;
  at: string;
  reason?: string;
}

/** Why a batch was rejected: the recipient cap and every item it concerns (the first 100 named). */
export interface BatchRejection {
  cap: CapName;
  limit: number;
  remaining: number;
  day: string;
  detail: string;
  errors: FieldProblem[];
  problemCount: number;
}

/** Per status: how many items, and how many shillings. */
export type ItemTotals = Record<ItemStatus, number>;

/** Counts and amounts per item status, as last counted from the items, and when. */
export interface BatchProgress {
  counts: ItemTotals;
  amounts: ItemTotals;
  at: string;
}

/** A batch as stored: its header. */
export interface BatchRecord {
  batchId: string;
  requestHash: string;
  itemCount: number;
  totalAmount: number;
  status: BatchStatus;
  createdAt: string;
  updatedAt: string;
  /** The Kenya day whose caps the batch's shares were reserved against. */
  capDay: string;
  /** How many rows its lines are stored in; absent until they all are. */
  lineRows?: number;
  /** How many rows of lines have been recorded as payouts (RECORDING). */
  recordedRows?: number;
  /** How many lines, and how many shillings, those rows hold: the rest is money in flight not yet recorded. */
  recordedItems?: number;
  recordedAmount?: number;
  /** True once the batch needs an operator's approval before anything is recorded (decided at intake). */
  needsApproval?: boolean;
  /** Until when an approval is awaited; after it, the batch is CANCELLED. */
  approvalDeadline?: string;
  approval?: BatchDecision;
  cancellation?: BatchDecision;
  rejection?: BatchRejection;
  /** What the last funds check saw (AWAITING_FUNDS, or the one that let the batch go on). */
  funds?: FundsReading;
  /** When the funds check let the batch be recorded: until then a RECORDING batch records nothing. */
  fundsCheckedAt?: string;
  /** True once what the batch reserved and did not use was given back (REJECTED, CANCELLED, or after recording). */
  sharesSettled?: boolean;
  progress?: BatchProgress;
  completedAt?: string;
  /** The version of the batch's last event (absent: none yet). */
  version?: number;
  /** When the scheduled wake-up should run the batch's next step, if nothing else does first. */
  nextStepAt?: string;
}

/** What the POST replies and the operator's list show of a batch: its header, without internals. */
export interface BatchSummary {
  batchId: string;
  status: BatchStatus;
  itemCount: number;
  totalAmount: number;
  createdAt: string;
  updatedAt: string;
  approvalDeadline?: string;
  approval?: BatchDecision;
  cancellation?: BatchDecision;
  rejection?: BatchRejection;
  /** AWAITING_FUNDS: what the last funds check saw, so an operator sees why the batch waits. */
  funds?: FundsReading;
  progress?: BatchProgress;
  completedAt?: string;
}

/** One item as the batch shows it (and its report lists it). */
export interface BatchItemView {
  index: number;
  tradeNo: string;
  status: ItemStatus;
  amount: number;
  mobile: string;
  /** Why the item was not recorded or sent (REJECTED, CANCELLED). */
  reason?: string;
  paypro: { code?: string; message?: string; serialNumber?: string; successTime?: string };
}

/** What `GET /payout-batches/{batchId}` shows: the summary, counts and amounts read from the items now. */
export interface BatchView extends BatchSummary {
  counts: ItemTotals;
  amounts: ItemTotals;
}

/** Largest batch: items, and request body bytes (about 230 bytes an item at most, well inside Lambda's 6 MB). */
export const MAX_BATCH_ITEMS = 10_000;
export const MAX_BATCH_BODY_BYTES = 4 * 1024 * 1024;

/** Lines per stored row: at most ~500 bytes each (remark included), so a row stays far below DynamoDB's 400 KB. */
export const LINES_PER_ROW = 500;

/** Zero for every item status. */
export function zeroTotals(): ItemTotals {
  return { PENDING: 0, PROCESSING: 0, SUCCEEDED: 0, FAILED: 0, REJECTED: 0, CANCELLED: 0 };
}

/** The summary of a stored batch. */
export function toSummary(record: BatchRecord): BatchSummary {
  return {
    batchId: record.batchId,
    status: record.status,
    itemCount: record.itemCount,
    totalAmount: record.totalAmount,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.status === 'AWAITING_APPROVAL' &&
      record.approvalDeadline !== undefined && { approvalDeadline: record.approvalDeadline }),
    ...(record.approval && { approval: record.approval }),
    ...(record.cancellation && { cancellation: record.cancellation }),
    ...(record.rejection && { rejection: record.rejection }),
    ...(record.status === 'AWAITING_FUNDS' && record.funds && { funds: record.funds }),
    ...(record.progress && { progress: record.progress }),
    ...(record.completedAt !== undefined && { completedAt: record.completedAt }),
  };
}
