import * as z from 'zod/mini';
import { BatchNotFoundError, BatchStateError, ValidationError } from '../errors';
import { operatorTextSchema, TRADE_NO_PATTERN, toFieldProblems } from '../payouts/schema';
import type { Log } from '../shared/logger';
import type { Counter } from '../shared/metrics';
import {
  type BatchRecord,
  type BatchStatus,
  type BatchSummary,
  CANCELLABLE,
  canMoveBatch,
  toSummary,
} from './batch';
import { batchEvent } from './events';
import type { BatchStepQueue } from './queue';
import type { BatchStore } from './store';

/** What an operator's decision about a batch needs. */
export interface DecideDeps {
  batches: BatchStore;
  steps: BatchStepQueue;
  counter: Counter;
  log: Log;
  now: () => Date;
}

/** Longest reason an operator may give for a decision, in characters. */
export const DECISION_REASON_MAX_LENGTH = 500;

const reason = operatorTextSchema(DECISION_REASON_MAX_LENGTH);

/** Body of `POST /admin/payout-batches/{batchId}/approve`: why, optionally. */
export const approveRequestSchema = z.strictObject({ reason: z.optional(reason) });
/** Body of `POST /admin/payout-batches/{batchId}/cancel`: why, required. */
export const cancelRequestSchema = z.strictObject({ reason });

function parseBody<S extends z.ZodMiniType>(schema: S, body: unknown): z.infer<S> {
  // No body at all is an empty one: approving needs no reason.
  const input = body === undefined ? {} : body;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new ValidationError(toFieldProblems(parsed.error, input as Record<string, unknown>));
  return parsed.data as z.infer<S>;
}

async function load(deps: DecideDeps, batchId: string | undefined): Promise<BatchRecord> {
  if (batchId === undefined || !TRADE_NO_PATTERN.test(batchId)) {
    throw new ValidationError([{ field: 'batchId', message: 'must be 1 to 64 letters, digits, "_" or "-"' }]);
  }
  const record = await deps.batches.get(batchId);
  if (!record) throw new BatchNotFoundError(batchId);
  return record;
}

/** Moves the batch from one of `from` to `to` with what was decided, or explains in a 409 why it cannot. */
async function decide(
  deps: DecideDeps,
  record: BatchRecord,
  from: readonly BatchStatus[],
  to: BatchStatus,
  set: Partial<BatchRecord>,
  refusal: string,
): Promise<BatchRecord> {
  // The state machine bounds what any decision may do, whatever `from` its caller names.
  if (!from.includes(record.status) || !canMoveBatch(record.status, to)) {
    throw new BatchStateError(record.batchId, record.status, refusal);
  }
  const at = deps.now().toISOString();
  const after: BatchRecord = { ...record, ...set, status: to, updatedAt: at };
  const event = batchEvent(record, after, at);
  const stored = await deps.batches.update(record.batchId, {
    from: [record.status],
    set: { ...set, status: to, updatedAt: at },
    ...(event && { event }),
  });
  if (!stored) {
    // Decided or moved on meanwhile: answer from where it stands now.
    const current = await deps.batches.get(record.batchId);
    throw new BatchStateError(record.batchId, current?.status ?? record.status, refusal);
  }
  await deps.steps.wake(record.batchId);
  return stored;
}

/**
 * `POST /admin/payout-batches/{batchId}/approve`: an operator lets a batch awaiting approval go
 * on to the funds check, then to be recorded and sent; who, when and why are kept on the batch.
 * 409 for any other status, or once the approval's time is over.
 */
export async function approveBatch(
  deps: DecideDeps,
  batchId: string | undefined,
  body: unknown,
  operator: string,
): Promise<BatchSummary> {
  const request = parseBody(approveRequestSchema, body);
  const record = await load(deps, batchId);
  const refusal = 'only a batch awaiting approval can be approved';
  if (
    record.status === 'AWAITING_APPROVAL' &&
    Date.parse(record.approvalDeadline ?? '') <= deps.now().getTime()
  ) {
    throw new BatchStateError(record.batchId, 'past its approval deadline', refusal);
  }
  const at = deps.now().toISOString();
  const approval = { by: operator, at, ...(request.reason !== undefined && { reason: request.reason }) };
  const stored = await decide(
    deps,
    record,
    ['AWAITING_APPROVAL'],
    'RECORDING',
    { approval, recordedRows: 0, recordedItems: 0, recordedAmount: 0 },
    refusal,
  );
  deps.log.info('operator approved a batch', { batchId: record.batchId, operator });
  return toSummary(stored);
}

/**
 * `POST /admin/payout-batches/{batchId}/cancel`: an operator cancels a batch nothing of which was
 * recorded yet (RECEIVED, AWAITING_APPROVAL or AWAITING_FUNDS); its cap shares go back. 409 for
 * any other status.
 */
export async function cancelBatch(
  deps: DecideDeps,
  batchId: string | undefined,
  body: unknown,
  operator: string,
): Promise<BatchSummary> {
  const request = parseBody(cancelRequestSchema, body);
  const record = await load(deps, batchId);
  const at = deps.now().toISOString();
  const cancellation = { by: operator, at, reason: request.reason };
  const stored = await decide(
    deps,
    record,
    CANCELLABLE,
    'CANCELLED',
    { cancellation },
    'only a batch nothing of which is recorded yet (RECEIVED, AWAITING_APPROVAL, AWAITING_FUNDS) can be cancelled',
  );
  deps.counter.count('BatchCancelled');
  deps.log.info('operator cancelled a batch', { batchId: record.batchId, operator });
  return toSummary(stored);
}
