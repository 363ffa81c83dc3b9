import { createHash } from 'node:crypto';
import {
  BatchConflictError,
  CapExceededError,
  type FieldProblem,
  PayoutExistsError,
  StoreUnavailableError,
  ValidationError,
} from '../errors';
import { type CapShare, type DailyCaps, type Reservation, releaseShare, reserveCaps } from '../limits/caps';
import type { CapLedger } from '../limits/repository';
import type { Log } from '../logger';
import type { Counter } from '../metrics';
import { requestHash } from '../payouts/create';
import type { Payout } from '../payouts/payout';
import { kenyaDate } from '../paypro/kenya-time';
import type { BatchRecord } from './batch';
import type { BatchPayoutRepository } from './payout-reads';
import type { BatchSendQueue } from './queue';
import type { BatchRepository } from './repository';
import type { BatchItem, BatchRequest } from './schema';

/** What accepting a batch needs. */
export interface AcceptBatchDeps {
  payouts: BatchPayoutRepository;
  batches: BatchRepository;
  queue: BatchSendQueue;
  /** The daily caps' counters and limits: a batch reserves all its items' shares, or none. */
  caps: CapLedger;
  limits: DailyCaps;
  counter: Counter;
  log: Log;
  now: () => Date;
}

/** `accepted`: this call recorded and queued the batch; `replayed`: it existed with the same items. */
export type AcceptOutcome = 'accepted' | 'replayed';

// Items are queued at once; the reconciler looks at one still unsent only after this, as a
// backstop for a queue that failed, so it never races the queue's own rate limit.
const BATCH_RECONCILE_GRACE_MS = 30 * 60 * 1000;
// A batch left RECORDING this long was abandoned (its Lambda timed out at 28 s): a replay resumes it.
const RESUME_AFTER_MS = 60 * 1000;
const WRITE_CONCURRENCY = 64;

/** Fingerprint of a batch's items, in order, so a replay can be told from another batch. */
export function batchHash(request: BatchRequest): string {
  const canonical = JSON.stringify(request.items.map((i) => [i.tradeNo, i.amount, i.mobile, i.remark ?? '']));
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Records every item as an ordinary PENDING payout (write-ahead, one conditional put each, so
 * no existing payout is ever overwritten) and queues each for sending. The same batch again
 * gets the stored batch; the same batchId with other items, 409; a tradeNo already used by
 * another payout refuses the whole batch (400) before anything is written.
 */
export async function acceptBatch(
  deps: AcceptBatchDeps,
  request: BatchRequest,
): Promise<{ outcome: AcceptOutcome; batch: BatchRecord }> {
  const hash = batchHash(request);
  const existing = await deps.batches.get(request.batchId);
  if (existing) return replayOrResume(deps, request, existing, hash);

  const stored = await deps.payouts.getMany(request.items.map((item) => item.tradeNo));
  refuseTaken(request, stored);
  const now = deps.now();
  const at = now.toISOString();
  const capDay = kenyaDate(now);
  // Items already recorded (the same payout sent alone before) reserved their own share then.
  let reservation: Reservation;
  try {
    reservation = await reserveCaps(deps, capDay, sharesOf(request, stored));
  } catch (error) {
    // The same batch, sent twice at once, holds the room twice for a moment: the one refused
    // answers as the replay of the one recorded, never "nothing recorded".
    if (!(error instanceof CapExceededError)) throw error;
    const twin = await deps.batches.get(request.batchId);
    if (!twin) throw error;
    return replayOrResume(deps, request, twin, hash);
  }
  const record: BatchRecord = {
    batchId: request.batchId,
    requestHash: hash,
    itemCount: request.items.length,
    totalAmount: request.items.reduce((sum, item) => sum + item.amount, 0),
    state: 'RECORDING',
    createdAt: at,
    capDay,
  };
  if (!(await deps.batches.create(record))) {
    // A concurrent identical request won the batchId, and reserved for it: answer as its replay.
    await reservation.release();
    const winner = await deps.batches.get(request.batchId);
    if (!winner)
      throw new StoreUnavailableError(`Batch ${request.batchId} exists but could not be read back.`);
    return replayOrResume(deps, request, winner, hash);
  }
  deps.counter.count('BatchAccepted');
  return { outcome: 'accepted', batch: await recordAndQueue(deps, request, record, stored, true) };
}

async function replayOrResume(
  deps: AcceptBatchDeps,
  request: BatchRequest,
  existing: BatchRecord,
  hash: string,
): Promise<{ outcome: AcceptOutcome; batch: BatchRecord }> {
  if (existing.requestHash !== hash) throw new BatchConflictError(request.batchId);
  const abandoned =
    existing.state === 'RECORDING' && deps.now().getTime() - Date.parse(existing.createdAt) > RESUME_AFTER_MS;
  if (!abandoned) return { outcome: 'replayed', batch: existing };
  deps.log.warn('resuming a batch whose recording was interrupted', { batchId: request.batchId });
  const stored = await deps.payouts.getMany(request.items.map((item) => item.tradeNo));
  return { outcome: 'accepted', batch: await recordAndQueue(deps, request, existing, stored, false) };
}

/** A 400 listing every item whose tradeNo another payout (or another batch) already uses. */
function refuseTaken(request: BatchRequest, stored: ReadonlyMap<string, Payout>): void {
  const problems: FieldProblem[] = [];
  request.items.forEach((item, index) => {
    const payout = stored.get(item.tradeNo);
    if (!payout) return;
    if (payout.requestHash !== requestHash(item)) {
      problems.push({
        field: `items[${index}].tradeNo`,
        message: 'is already used by a payout with a different amount, mobile or remark',
      });
    } else if (payout.batchId !== undefined && payout.batchId !== request.batchId) {
      problems.push({ field: `items[${index}].tradeNo`, message: `is already in batch ${payout.batchId}` });
    }
  });
  if (problems.length > 0) throw new ValidationError(problems);
}

/** The batch's items not yet recorded, as one cap share per recipient. */
function sharesOf(request: BatchRequest, stored: ReadonlyMap<string, Payout>): CapShare[] {
  const byMobile = new Map<string, CapShare>();
  request.items.forEach((item, index) => {
    if (stored.has(item.tradeNo)) return;
    const share = byMobile.get(item.mobile) ?? { mobile: item.mobile, amount: 0, count: 0, items: [] };
    share.amount += item.amount;
    share.count += 1;
    share.items?.push(index);
    byMobile.set(item.mobile, share);
  });
  return [...byMobile.values()];
}

function batchPayout(item: BatchItem, batchId: string, at: string, capDay: string | undefined): Payout {
  return {
    tradeNo: item.tradeNo,
    amount: item.amount,
    mobile: item.mobile,
    ...(item.remark !== undefined && { remark: item.remark }),
    batchId,
    ...(capDay !== undefined && { capDay }),
    status: 'PENDING',
    requestHash: requestHash(item),
    paypro: {},
    createdAt: at,
    updatedAt: at,
    history: [{ at, source: 'api', status: 'PENDING', note: `payout requested in batch ${batchId}` }],
  };
}

/**
 * Writes the batch's item list and each item not yet recorded, queues every item not yet
 * sent, then marks the batch ACCEPTED. Safe to run again for the same batch: puts are
 * conditional and a queued item that was already sent is skipped by the consumer's claim.
 */
async function recordAndQueue(
  deps: AcceptBatchDeps,
  request: BatchRequest,
  record: BatchRecord,
  stored: ReadonlyMap<string, Payout>,
  /** True for the run that reserved the batch's caps: only it may give an item's share back. */
  owner: boolean,
): Promise<BatchRecord> {
  await deps.batches.putTradeNos(
    request.batchId,
    request.items.map((item) => item.tradeNo),
  );
  const at = deps.now().toISOString();
  const checkAfter = new Date(deps.now().getTime() + BATCH_RECONCILE_GRACE_MS).toISOString();
  const toQueue: string[] = [];
  const unsent = (p: Payout) => p.status === 'PENDING' && p.sentAt === undefined;
  const queue = [...request.items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const existing = stored.get(item.tradeNo);
      if (existing) {
        if (unsent(existing)) toQueue.push(item.tradeNo);
        continue;
      }
      try {
        // Created at the batch's own instant, whichever run records it, so an item's Kenya day
        // (the daily report's) is always the day its cap share was reserved against.
        await deps.payouts.create(
          batchPayout(item, request.batchId, record.createdAt, record.capDay),
          checkAfter,
        );
        toQueue.push(item.tradeNo);
      } catch (error) {
        if (!(error instanceof PayoutExistsError)) throw error;
        // Created since the check above: adopt it only if it is the same payout.
        const now = await deps.payouts.get(item.tradeNo);
        // The batch reserved this item's share; unless a run of this same batch recorded it, the
        // payout under its tradeNo reserved its own, so the batch's goes back. Only the owner
        // gives it back: resumes may run side by side, and each would give the same share back.
        const share = { mobile: item.mobile, amount: item.amount, count: 1 };
        const giveBack = async () => {
          if (owner && record.capDay !== undefined && now?.batchId !== request.batchId) {
            await releaseShare(deps, record.capDay, share);
          }
        };
        if (
          now &&
          now.requestHash === requestHash(item) &&
          (now.batchId ?? request.batchId) === request.batchId
        ) {
          await giveBack();
          if (unsent(now)) toQueue.push(item.tradeNo);
          continue;
        }
        await giveBack();
        deps.counter.count('BatchItemConflict');
        deps.log.error('a batch item lost its tradeNo to another payout created meanwhile; not sent', {
          batchId: request.batchId,
          tradeNo: item.tradeNo,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
  await deps.queue.enqueue(toQueue);
  await deps.batches.markAccepted(request.batchId, at);
  return { ...record, state: 'ACCEPTED', acceptedAt: record.acceptedAt ?? at };
}
