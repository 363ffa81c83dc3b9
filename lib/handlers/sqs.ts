import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../shared/logger';
import { observed } from './observed';

/** What a record's body must hold: a zod (or zod/mini) schema, or anything with its `safeParse`. */
export interface BodySchema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false };
}

/** The work for one record, given its parsed body; a throw sends the record back to the queue. */
export type RecordHandler<T> = (item: T, context: Context) => Promise<unknown>;

/** How the wrapper treats each record of a batch. */
export interface RecordProcessor<T> {
  /** The queue, as the logs name it (e.g. `batch-sends`). */
  queue: string;
  /** The body of every record; one that is not JSON or does not match comes back (then the DLQ takes it). */
  schema: BodySchema<T>;
  /** Time one record needs at worst: a record reached with less left comes back untouched. */
  marginMs?: number;
  /** Fields that name the record's subject in the failure log (ids only: never a mobile or a secret). */
  describe?: (item: T) => Record<string, unknown>;
  /** Logged at info with the record handler's result when set. */
  doneMessage?: string;
  /** Called once for each record whose handler threw (a metric, say). */
  onFailure?: (item: T, error: unknown) => void;
}

function parseBody<T>(record: SQSRecord, schema: BodySchema<T>): { ok: true; item: T } | { ok: false } {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { ok: false };
  }
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, item: parsed.data } : { ok: false };
}

/**
 * Runs `recordHandler` on each record in turn and answers SQS with the ones to receive again
 * (ReportBatchItemFailures): the shape of Powertools' `processPartialResponse`. A record that
 * fails to parse, whose handler throws, or that is reached too close to the timeout comes back.
 */
export async function processPartialResponse<T>(
  event: SQSEvent,
  recordHandler: RecordHandler<T>,
  processor: RecordProcessor<T>,
  context: Context,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const comesBack = (record: SQSRecord) => batchItemFailures.push({ itemIdentifier: record.messageId });
  for (const record of event.Records) {
    if (processor.marginMs !== undefined && context.getRemainingTimeInMillis() < processor.marginMs) {
      comesBack(record);
      continue;
    }
    const parsed = parseBody(record, processor.schema);
    if (!parsed.ok) {
      logger.error(`${processor.queue} message unreadable`, { messageId: record.messageId });
      comesBack(record);
      continue;
    }
    try {
      const result = await recordHandler(parsed.item, context);
      if (processor.doneMessage) logger.info(processor.doneMessage, { ...(result as object) });
    } catch (error) {
      processor.onFailure?.(parsed.item, error);
      logger.error(`${processor.queue} message failed; it comes back`, {
        ...processor.describe?.(parsed.item),
        error,
      });
      comesBack(record);
    }
  }
  return { batchItemFailures };
}

/** An SQS handler (ReportBatchItemFailures) that takes the records one by one. */
export function sqsHandler<T>(recordHandler: RecordHandler<T>, processor: RecordProcessor<T>) {
  return observed<SQSEvent, SQSBatchResponse>().handler((event, context) =>
    processPartialResponse(event, recordHandler, processor, context),
  );
}

/**
 * An SQS handler (ReportBatchItemFailures) whose use case takes the whole batch at once (to work
 * on its records concurrently) and says itself which records come back.
 */
export function sqsBatchHandler(batchHandler: (records: SQSRecord[]) => Promise<SQSBatchResponse>) {
  return observed<SQSEvent, SQSBatchResponse>().handler((event) => batchHandler(event.Records));
}
