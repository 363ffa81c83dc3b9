import { BatchStateError } from '../errors';
import type { FundsSources } from '../float/funds';
import {
  type BatchCapDeps,
  batchMark,
  dropDayMarks,
  holdRecipientShares,
  releaseBatchShares,
  settleBatchShares,
  sharesByRecipient,
} from '../limits/batch-shares';
import { recipientRefusal } from '../limits/caps';
import { type BatchRecord, type BatchRejection, type BatchStatus, canMoveBatch, type LineRow } from './batch';
import { batchEvent } from './events';
import { allSettled, itemsOf, ownedTradeNos, totalsOf, withPayouts } from './items';
import { type RecordDeps, recordRow } from './record';
import type { HeaderChange } from './store';

/** What the steps of a batch need. */
export interface StepDeps extends RecordDeps, BatchCapDeps {
  /** How long an operator has to approve a batch before it is cancelled. */
  approvalTtlMs: number;
  /** How often a sending batch is counted again until every item is final. */
  checkIntervalMs: number;
  /** Where the funds check reads the float and the money in flight, and the gate its decisions pass one at a time. */
  funds: FundsSources;
  /** How long a batch waits in AWAITING_FUNDS before the float is read again (FLOAT_RECHECK_S). */
  fundsRecheckMs: number;
}

/** What one run knows of its batch: the header, its rows once read, and how to write the header. */
export interface StepContext {
  record: BatchRecord;
  rows?: LineRow[];
  /** Writes the header under the run's lease; undefined when refused (status or lease changed). */
  write(change: HeaderChange): Promise<BatchRecord | undefined>;
}

/** What a step leaves: go on now, wait `ms` for the next step, or stop (the batch is done). */
export type StepResult =
  | { afterwards: 'continue'; record: BatchRecord }
  | { afterwards: 'wait'; record: BatchRecord; ms: number }
  | { afterwards: 'stop'; record: BatchRecord }
  | { afterwards: 'refused' };

// Counting reads every item the batch owns: while many are open, count less often (10 ms an open item).
const WAIT_PER_OPEN_ITEM_MS = 10;
const MAX_CHECK_WAIT_MS = 15 * 60_000;

/** A batch whose lines never arrived this long after its header is cancelled: its intake died. */
export const INTAKE_ABANDONED_MS = 10 * 60_000;

const mark = (record: BatchRecord) => batchMark(record.batchId, record.requestHash);
const linesOf = (rows: readonly LineRow[]) =>
  itemsOf(rows).map((item) => ({ index: item.index, mobile: item.line.mobile, amount: item.line.amount }));

async function rowsOf(deps: StepDeps, context: StepContext): Promise<LineRow[]> {
  context.rows ??= await deps.batches.rows(context.record.batchId);
  return context.rows;
}

/**
 * Moves the batch to `to` with its event, from the status it is in; throws BatchStateError for a
 * move the state machine (batch.ts) does not allow: a bug in a step, never a race.
 */
export async function move(
  deps: StepDeps,
  context: StepContext,
  to: BatchStatus,
  set: Partial<BatchRecord>,
  options: { totals?: Parameters<typeof batchEvent>[3] } = {},
): Promise<BatchRecord | undefined> {
  const { record } = context;
  if (!canMoveBatch(record.status, to)) {
    throw new BatchStateError(record.batchId, record.status, `it cannot move to ${to}`);
  }
  const at = deps.now().toISOString();
  const after: BatchRecord = { ...record, ...set, status: to, updatedAt: at };
  const event = batchEvent(record, after, at, options.totals);
  return context.write({
    from: [record.status],
    set: { ...set, status: to, updatedAt: at },
    ...(event && { event }),
  });
}

/** The step's result after a header write: `next` of the header, or refused when the write was. */
export const outcome = (record: BatchRecord | undefined, next: (r: BatchRecord) => StepResult): StepResult =>
  record ? next(record) : { afterwards: 'refused' };

/** RECEIVED without lines: wait for them, or cancel the batch once its intake has plainly died. */
export async function awaitLines(deps: StepDeps, context: StepContext): Promise<StepResult> {
  const age = deps.now().getTime() - Date.parse(context.record.createdAt);
  if (age < INTAKE_ABANDONED_MS) {
    return { afterwards: 'wait', record: context.record, ms: INTAKE_ABANDONED_MS - age };
  }
  const at = deps.now().toISOString();
  const reason =
    'its lines were never stored (the request that sent it ended first); send it again under a new batchId';
  deps.counter.count('BatchCancelled');
  const record = await move(deps, context, 'CANCELLED', { cancellation: { by: 'intake', at, reason } });
  return outcome(record, (r) => ({ afterwards: 'continue', record: r }));
}

/**
 * RECEIVED: reserves every recipient's share (once per recipient, by the batch's mark); over a
 * recipient's cap the batch is REJECTED, naming the cap and every item concerned; otherwise it
 * waits for approval when its total needs one, or goes on to RECORDING (whose first step is the
 * funds check).
 */
export async function reserveRecipients(deps: StepDeps, context: StepContext): Promise<StepResult> {
  const { record } = context;
  const rows = await rowsOf(deps, context);
  const refused = await holdRecipientShares(
    deps,
    record.capDay,
    sharesByRecipient(linesOf(rows)),
    mark(record),
  );
  if (refused.length > 0) {
    const error = recipientRefusal(deps, record.capDay, refused);
    const rejection: BatchRejection = {
      cap: error.cap,
      limit: error.limit,
      remaining: error.remaining,
      day: error.day,
      detail: error.message,
      errors: error.problems,
      problemCount: error.problemCount,
    };
    deps.counter.count('BatchRejected');
    const rejected = await move(deps, context, 'REJECTED', { rejection });
    return outcome(rejected, (r) => ({ afterwards: 'continue', record: r }));
  }
  if (record.needsApproval) {
    const deadline = new Date(deps.now().getTime() + deps.approvalTtlMs).toISOString();
    const waiting = await move(deps, context, 'AWAITING_APPROVAL', { approvalDeadline: deadline });
    return outcome(waiting, (r) => ({ afterwards: 'wait', record: r, ms: deps.approvalTtlMs }));
  }
  const recording = await move(deps, context, 'RECORDING', {
    recordedRows: 0,
    recordedItems: 0,
    recordedAmount: 0,
  });
  return outcome(recording, (r) => ({ afterwards: 'continue', record: r }));
}

/** AWAITING_APPROVAL: wait for an operator, or cancel once the approval's time is over. */
export async function awaitApproval(deps: StepDeps, context: StepContext): Promise<StepResult> {
  const { record } = context;
  const deadline = Date.parse(record.approvalDeadline ?? record.createdAt);
  const left = deadline - deps.now().getTime();
  if (left > 0) return { afterwards: 'wait', record, ms: left };
  const at = deps.now().toISOString();
  const hours = Math.round((deps.approvalTtlMs / 3_600_000) * 10) / 10;
  deps.counter.count('BatchCancelled');
  const cancelled = await move(deps, context, 'CANCELLED', {
    cancellation: { by: 'expiry', at, reason: `not approved within ${hours} h` },
  });
  return outcome(cancelled, (r) => ({ afterwards: 'continue', record: r }));
}

/** RECORDING: records the next row of lines and notes the progress; after the last, settles the caps. */
export async function recordNext(deps: StepDeps, context: StepContext): Promise<StepResult> {
  const { record } = context;
  const rows = await rowsOf(deps, context);
  const done = record.recordedRows ?? 0;
  const row = rows[done];
  if (row) {
    const findings = await recordRow(deps, record, row);
    rows[done] = { ...row, ...findings };
    // The row's lines are payouts now (or were never to be): they leave the money not yet recorded.
    const rowAmount = row.lines.reduce((sum, line) => sum + line.amount, 0);
    const next = await context.write({
      from: ['RECORDING'],
      expect: { recordedRows: done },
      set: {
        recordedRows: done + 1,
        recordedItems: (record.recordedItems ?? 0) + row.lines.length,
        recordedAmount: (record.recordedAmount ?? 0) + rowAmount,
        updatedAt: deps.now().toISOString(),
      },
    });
    return outcome(next, (r) => ({ afterwards: 'continue', record: r }));
  }
  // Every line is recorded: give back what the batch reserved and does not use, once.
  const items = itemsOf(rows).filter((item) => item.rejected !== undefined || item.adopted);
  const unused = items.map((item) => ({
    index: item.index,
    mobile: item.line.mobile,
    amount: item.line.amount,
  }));
  await settleBatchShares(deps, record.capDay, sharesByRecipient(unused), mark(record));
  const sending = await move(deps, context, 'SENDING', { sharesSettled: true });
  return outcome(sending, (r) => ({ afterwards: 'wait', record: r, ms: deps.checkIntervalMs }));
}

/** SENDING: counts the items as stored now; once every one is final, the batch is COMPLETED (or with failures). */
export async function checkCompletion(deps: StepDeps, context: StepContext): Promise<StepResult> {
  const { record } = context;
  const rows = await rowsOf(deps, context);
  const lines = itemsOf(rows);
  const items = withPayouts(record.batchId, lines, await deps.payouts.getStates(ownedTradeNos(lines)));
  const totals = totalsOf(record, items);
  const at = deps.now().toISOString();
  const progress = { ...totals, at };
  if (!allSettled(items)) {
    const open = totals.counts.PENDING + totals.counts.PROCESSING;
    const wait = Math.min(MAX_CHECK_WAIT_MS, Math.max(deps.checkIntervalMs, open * WAIT_PER_OPEN_ITEM_MS));
    const next = await context.write({ from: ['SENDING'], set: { progress } });
    return outcome(next, (r) => ({ afterwards: 'wait', record: r, ms: wait }));
  }
  const failures = totals.counts.FAILED + totals.counts.REJECTED;
  // Before the batch is final: a late duplicate of its intake then knows its own reservation is extra.
  await dropDayMarks(deps, record.capDay, mark(record));
  deps.counter.count('BatchCompleted');
  const completed = await move(
    deps,
    context,
    failures > 0 ? 'COMPLETED_WITH_FAILURES' : 'COMPLETED',
    { progress, completedAt: at },
    { totals },
  );
  return outcome(completed, (r) => ({ afterwards: 'stop', record: r }));
}

/** REJECTED or CANCELLED: gives back everything the batch reserved, once per counter, then it is done. */
export async function releaseShares(deps: StepDeps, context: StepContext): Promise<StepResult> {
  const { record } = context;
  const rows = record.lineRows === undefined ? [] : await rowsOf(deps, context);
  await releaseBatchShares(
    deps,
    record.capDay,
    sharesByRecipient(linesOf(rows)),
    { amount: record.totalAmount, count: record.itemCount },
    mark(record),
  );
  const released = await context.write({ from: [record.status], set: { sharesSettled: true } });
  return outcome(released, (r) => ({ afterwards: 'stop', record: r }));
}
