import { PayoutExistsError, StoreUnavailableError } from '../errors';
import { requestHash } from '../payouts/create';
import { type Payout, pendingPayout } from '../payouts/payout';
import { forEachLimit } from '../shared/concurrency';
import type { Log } from '../shared/logger';
import type { Counter } from '../shared/metrics';
import type { BatchLine, BatchRecord, LineRow, RejectedLine } from './batch';
import type { BatchSendQueue } from './queue';
import type { BatchPayouts, BatchStore } from './store';

/** What recording a batch's lines needs. */
export interface RecordDeps {
  batches: BatchStore;
  payouts: BatchPayouts;
  sends: BatchSendQueue;
  counter: Counter;
  log: Log;
  now: () => Date;
}

// Items are queued at once; the reconciler looks at one still unsent only after this, as a
// backstop for a queue that failed, so it never races the queue's own rate limit.
const BATCH_RECONCILE_GRACE_MS = 30 * 60 * 1000;
const WRITE_CONCURRENCY = 32;
// A payout that changes between our read and our write (created, adopted elsewhere) is read again, this often.
const LINE_ATTEMPTS = 3;

type LineOutcome = { kind: 'created' | 'adopted'; payout: Payout } | { kind: 'rejected'; reason: string };

/** The payout a line of a batch becomes: PENDING, created at the batch's instant, its share reserved on capDay. */
function batchPayout(line: BatchLine, record: BatchRecord, at: string): Payout {
  return pendingPayout({
    request: line,
    requestHash: requestHash(line),
    capDay: record.capDay,
    batchId: record.batchId,
    // The batch's own instant: an item's Kenya day (the daily report's) is the day its share was reserved on.
    createdAt: record.createdAt,
    recordedAt: at,
    note: `payout requested in batch ${record.batchId}`,
  });
}

/** Records a line as a new payout: the payout, or undefined when its tradeNo is taken. */
async function createLine(
  deps: RecordDeps,
  record: BatchRecord,
  line: BatchLine,
  at: string,
  checkAfter: string,
): Promise<Payout | undefined> {
  const payout = batchPayout(line, record, at);
  try {
    await deps.payouts.create(payout, checkAfter);
    return payout;
  } catch (error) {
    if (!(error instanceof PayoutExistsError)) throw error;
    return undefined;
  }
}

/** What a payout already under a line's tradeNo makes of the line: the batch's already, taken, or adoptable. */
function verdictOn(current: Payout, record: BatchRecord, hash: string): LineOutcome | 'adopt' {
  if (current.batchId === record.batchId) {
    return { kind: current.adoptedAt !== undefined ? 'adopted' : 'created', payout: current };
  }
  if (current.batchId !== undefined)
    return { kind: 'rejected', reason: `tradeNo belongs to batch ${current.batchId}` };
  if (current.requestHash !== hash) {
    return {
      kind: 'rejected',
      reason: 'tradeNo is used by another payout with a different amount, mobile or remark',
    };
  }
  return 'adopt';
}

/**
 * Makes one line the batch's payout, or says why not. A payout belongs to at most one batch: the
 * line is recorded with a conditional put, or an identical payout of no batch is adopted with a
 * conditional write; any other payout under its tradeNo keeps it, and the line is rejected. Safe
 * to run again: a payout that already names this batch is the batch's.
 */
async function recordLine(
  deps: RecordDeps,
  record: BatchRecord,
  line: BatchLine,
  seen: Payout | undefined,
  checkAfter: string,
): Promise<LineOutcome> {
  const hash = requestHash(line);
  let current = seen;
  for (let attempt = 1; attempt <= LINE_ATTEMPTS; attempt += 1) {
    const at = deps.now().toISOString();
    if (!current) {
      const created = await createLine(deps, record, line, at, checkAfter);
      if (created) return { kind: 'created', payout: created };
    } else {
      const verdict = verdictOn(current, record, hash);
      if (verdict !== 'adopt') return verdict;
      if (await deps.payouts.adopt(line.tradeNo, record.batchId, hash, at)) {
        return { kind: 'adopted', payout: { ...current, batchId: record.batchId, adoptedAt: at } };
      }
    }
    current = await deps.payouts.get(line.tradeNo);
  }
  throw new StoreUnavailableError(
    `Payout ${line.tradeNo} kept changing while batch ${record.batchId} recorded it.`,
  );
}

/**
 * Records one row of a batch's lines as payouts, keeps on the row which lines were rejected and
 * which adopted, and queues for sending every one of its payouts still unsent. Idempotent: run
 * again after a crash, it finds its own payouts, queues the unsent ones again (the send's claim
 * sends each once) and writes the same findings.
 */
export async function recordRow(
  deps: RecordDeps,
  record: BatchRecord,
  row: LineRow,
): Promise<{ rejected: RejectedLine[]; adopted: number[] }> {
  const seen = await deps.payouts.getMany(row.lines.map((line) => line.tradeNo));
  const checkAfter = new Date(deps.now().getTime() + BATCH_RECONCILE_GRACE_MS).toISOString();
  const rejected: RejectedLine[] = [];
  const adopted: number[] = [];
  const unsent: string[] = [];
  await forEachLimit(row.lines, WRITE_CONCURRENCY, async (line, i) => {
    const index = row.first + i;
    const outcome = await recordLine(deps, record, line, seen.get(line.tradeNo), checkAfter);
    if (outcome.kind === 'rejected') {
      rejected.push({ index, reason: outcome.reason });
      return;
    }
    if (outcome.kind === 'adopted') adopted.push(index);
    if (outcome.payout.status === 'PENDING' && outcome.payout.sentAt === undefined) unsent.push(line.tradeNo);
  });
  rejected.sort((a, b) => a.index - b.index);
  adopted.sort((a, b) => a - b);
  if (rejected.length > 0) {
    deps.counter.count('BatchItemRejected', rejected.length);
    deps.log.warn('batch lines not recorded: their tradeNos belong to other payouts', {
      batchId: record.batchId,
      rejected: rejected.length,
      first: rejected.slice(0, 5).map((r) => r.index),
    });
  }
  await deps.batches.markRow(record.batchId, row.row, rejected, adopted);
  await deps.sends.enqueue(unsent);
  return { rejected, adopted };
}
