import { createHash } from 'node:crypto';
import { BatchConflictError, CapExceededError, StoreUnavailableError } from '../errors';
import { type BatchCapDeps, batchMark, holdDayShare, releaseDayShare } from '../limits/batch-shares';
import { kenyaDate } from '../shared/kenya-time';
import { type BatchRecord, isFinalBatch } from './batch';
import { batchEvent } from './events';
import type { BatchStepQueue } from './queue';
import type { BatchRequest } from './schema';
import type { BatchStore } from './store';

/** What taking a batch in needs. */
export interface IntakeDeps extends BatchCapDeps {
  batches: BatchStore;
  steps: BatchStepQueue;
  /** A batch whose total is above this many KES waits for an operator's approval; undefined: none does. */
  approvalAboveAmount?: number;
  now: () => Date;
}

/** `accepted`: this call stored the batch (202); `replayed`: it existed with the same items (200). */
export type IntakeOutcome = 'accepted' | 'replayed';

/**
 * How long a header may go without its lines before a replay stores them itself: longer than the
 * intake function's timeout, so a replay never races the request still storing them.
 */
export const INTAKE_RESUME_AFTER_MS = 30_000;
/** When the scheduled wake-up looks at a new batch if its step message never came. */
const FIRST_WAKE_MS = 2 * 60_000;

/** Fingerprint of a batch's items, in order, so a replay can be told from another batch. */
export function batchHash(request: BatchRequest): string {
  const canonical = JSON.stringify(request.items.map((i) => [i.tradeNo, i.amount, i.mobile, i.remark ?? '']));
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function totalOf(request: BatchRequest): { amount: number; count: number } {
  return { amount: request.items.reduce((sum, item) => sum + item.amount, 0), count: request.items.length };
}

/**
 * Takes a validated batch in, whatever its size, in a handful of writes: reserves its share of
 * the day's caps (once per batch, by its mark on the counter: CapExceededError, nothing stored,
 * when over), writes its header, stores its lines, commits `Batch Accepted` and asks for its
 * first step. Everything that grows with the batch happens later, off the request (advance.ts).
 * The same batch again gets the stored batch; the same batchId with other items, 409.
 */
export async function acceptBatch(
  deps: IntakeDeps,
  request: BatchRequest,
): Promise<{ outcome: IntakeOutcome; batch: BatchRecord }> {
  const hash = batchHash(request);
  const existing = await deps.batches.get(request.batchId);
  if (existing) return replay(deps, request, existing, hash);

  const now = deps.now();
  const capDay = kenyaDate(now);
  const mark = batchMark(request.batchId, hash);
  const share = totalOf(request);
  let added: boolean;
  try {
    added = (await holdDayShare(deps, capDay, share, mark)) === 'added';
  } catch (error) {
    // The same batch sent twice at once: the one refused answers as the replay of the one taken.
    if (!(error instanceof CapExceededError)) throw error;
    const twin = await deps.batches.get(request.batchId);
    if (!twin) throw error;
    return replay(deps, request, twin, hash);
  }
  const at = now.toISOString();
  const record: BatchRecord = {
    batchId: request.batchId,
    requestHash: hash,
    itemCount: share.count,
    totalAmount: share.amount,
    status: 'RECEIVED',
    createdAt: at,
    updatedAt: at,
    capDay,
    ...(deps.approvalAboveAmount !== undefined &&
      share.amount > deps.approvalAboveAmount && { needsApproval: true }),
    nextStepAt: new Date(now.getTime() + FIRST_WAKE_MS).toISOString(),
  };
  if (!(await deps.batches.create(record))) {
    const winner = await deps.batches.get(request.batchId);
    if (!winner)
      throw new StoreUnavailableError(`Batch ${request.batchId} exists but could not be read back.`);
    // The day's reservation this call added is the batch's own unless the batchId holds other
    // items (another mark), or the batch already finished and dropped its mark (a late duplicate).
    if (added && (winner.requestHash !== hash || isFinalBatch(winner.status))) {
      await releaseDayShare(deps, capDay, share, mark);
    }
    return replay(deps, request, winner, hash);
  }
  return { outcome: 'accepted', batch: await storeLines(deps, request, record) };
}

async function replay(
  deps: IntakeDeps,
  request: BatchRequest,
  existing: BatchRecord,
  hash: string,
): Promise<{ outcome: IntakeOutcome; batch: BatchRecord }> {
  if (existing.requestHash !== hash) throw new BatchConflictError(request.batchId);
  const abandoned =
    existing.status === 'RECEIVED' &&
    existing.lineRows === undefined &&
    deps.now().getTime() - Date.parse(existing.createdAt) > INTAKE_RESUME_AFTER_MS;
  if (!abandoned) return { outcome: 'replayed', batch: existing };
  // The request that took it in died before its lines were stored: this one has the same lines.
  return { outcome: 'accepted', batch: await storeLines(deps, request, existing) };
}

/** Stores the lines, then marks the header so (committing Batch Accepted), then asks for the first step. */
async function storeLines(
  deps: IntakeDeps,
  request: BatchRequest,
  record: BatchRecord,
): Promise<BatchRecord> {
  const lineRows = await deps.batches.putLines(request.batchId, request.items);
  const at = deps.now().toISOString();
  const after: BatchRecord = { ...record, lineRows, updatedAt: at };
  const event = batchEvent(record, after, at);
  const stored = await deps.batches.update(request.batchId, {
    from: ['RECEIVED'],
    expect: { lineRows: undefined },
    set: { lineRows, updatedAt: at },
    ...(event && { event }),
  });
  // Refused: another run stored them first (the same lines) and committed the event.
  const current = stored ?? (await deps.batches.get(request.batchId)) ?? after;
  await deps.steps.wake(request.batchId);
  return current;
}
