import { PayoutServiceError } from '../errors';
import type { Log } from '../shared/logger';
import type { Counter } from '../shared/metrics';
import type { EndpointsSource } from './endpoints';
import { post } from './post';
import { retryDelayMs, WEBHOOK_MAX_RECEIVES } from './retry';
import { parseEvent, type WebhookEvent } from './webhook-event';

/*
 * Webhook delivery, off the payout path: an EventBridge rule puts every payout event on the
 * webhooks queue, and this runs on what the queue hands over. An event (the EventBridge
 * envelope, no `endpoint` attribute) is first fanned out into one message per endpoint on the
 * same queue, so each endpoint succeeds, retries and dead-letters on its own. Nothing is
 * dropped silently: a message is acknowledged only once delivered, fanned out, or in the DLQ.
 */

/** One message for the webhooks queue: an event, for one endpoint. */
export interface EndpointMessage {
  /** The endpoint's id, sent as the message attribute `endpoint`. */
  endpoint: string;
  /** The EventBridge envelope, unchanged. */
  body: string;
}

/** A message set aside for a human: its body and why, as message attributes. */
export interface DeadLetter {
  body: string;
  attributes: Record<string, string>;
}

/** The queue operations delivery needs; lib/webhooks/queue.ts is the SQS one. */
export interface WebhookQueue {
  /** Sends every message to the webhooks queue; throws unless all were accepted. */
  sendBatch(messages: readonly EndpointMessage[]): Promise<void>;
  /** Hides a received message for `delayMs` before it is received again. */
  changeVisibility(receiptHandle: string, delayMs: number): Promise<void>;
  /** Sends a message to the dead-letter queue. */
  sendToDeadLetter(letter: DeadLetter): Promise<void>;
}

/** What delivery reads of an SQS record (Lambda's SQSRecord has it all). */
export interface QueueRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string };
  messageAttributes: Record<string, { stringValue?: string | undefined } | undefined>;
}

/** Lambda's partial batch response: the records to receive again. */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** What the use case needs. */
export interface DeliverWebhooksDeps {
  queue: WebhookQueue;
  endpoints: EndpointsSource;
  timeoutMs: number;
  /** Factor on the retry schedule: 1 in production. */
  retryScale: number;
  log: Log;
  counter: Counter;
  now: () => Date;
  fetch?: typeof fetch;
}

/** Why a message went to the dead-letter queue (its `reason` attribute). */
export type DeadLetterReason = 'rejected' | 'retries-exhausted' | 'unknown-endpoint' | 'malformed-event';

type Outcome = 'ack' | 'retry';

/** Handles one batch of the webhooks queue; returns the records SQS must hand over again. */
export async function deliverWebhooks(
  deps: DeliverWebhooksDeps,
  records: readonly QueueRecord[],
): Promise<BatchResponse> {
  // Records are independent (different endpoints, events): one slow receiver must not hold up the rest.
  const outcomes = await Promise.all(records.map((record) => handleRecord(deps, record)));
  return {
    batchItemFailures: records
      .filter((_, i) => outcomes[i] === 'retry')
      .map((record) => ({ itemIdentifier: record.messageId })),
  };
}

async function handleRecord(deps: DeliverWebhooksDeps, record: QueueRecord): Promise<Outcome> {
  const endpointId = record.messageAttributes.endpoint?.stringValue;
  const attempt = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
  try {
    const event = parseEvent(record.body);
    if (!event) {
      return await deadLetter(deps, record, 'malformed-event', { attempt, endpoint: endpointId });
    }
    return endpointId === undefined
      ? await fanOut(deps, record, event, attempt)
      : await deliver(deps, record, event, endpointId, attempt);
  } catch (error) {
    // The endpoints secret or the queue failed (or a bug): SQS hands the record over again later.
    deps.log.error('webhook record not handled; it will be received again', {
      messageId: record.messageId,
      endpoint: endpointId,
      attempt,
      error: describe(error),
    });
    return retryLater(deps, record, attempt);
  }
}

async function fanOut(
  deps: DeliverWebhooksDeps,
  record: QueueRecord,
  event: WebhookEvent,
  attempt: number,
): Promise<Outcome> {
  const endpoints = await deps.endpoints();
  if (endpoints.length === 0) {
    deps.log.info('no webhook endpoints configured; event acknowledged', { eventId: event.eventId });
    return 'ack';
  }
  // A partial failure throws: the whole event is fanned out again, and endpoints that got it
  // twice get the same webhook-id, which receivers deduplicate on.
  await deps.queue.sendBatch(endpoints.map((endpoint) => ({ endpoint: endpoint.id, body: record.body })));
  deps.log.info('webhook event fanned out', {
    eventId: event.eventId,
    endpoints: endpoints.map((endpoint) => endpoint.id),
    attempt,
  });
  return 'ack';
}

async function deliver(
  deps: DeliverWebhooksDeps,
  record: QueueRecord,
  event: WebhookEvent,
  endpointId: string,
  attempt: number,
): Promise<Outcome> {
  const endpoint = (await deps.endpoints()).find((candidate) => candidate.id === endpointId);
  if (!endpoint) {
    return deadLetter(deps, record, 'unknown-endpoint', { attempt, endpoint: endpointId, event });
  }
  const result = await post(deps, endpoint, event);
  const context = { endpoint: endpoint.id, eventId: event.eventId, status: result.status, attempt };
  if (result.kind === 'delivered') {
    deps.counter.count('WebhookDelivered');
    deps.log.info('webhook delivered', context);
    return 'ack';
  }
  if (result.kind === 'rejected') {
    return deadLetter(deps, record, 'rejected', { ...context, event });
  }
  if (attempt >= WEBHOOK_MAX_RECEIVES) {
    return deadLetter(deps, record, 'retries-exhausted', { ...context, event });
  }
  const delayMs = retryDelayMs(attempt, deps.retryScale);
  deps.counter.count('WebhookRetried');
  deps.log.warn('webhook not delivered; will retry', { ...context, retryInMs: delayMs });
  return retryLater(deps, record, attempt);
}

async function retryLater(deps: DeliverWebhooksDeps, record: QueueRecord, attempt: number): Promise<Outcome> {
  try {
    await deps.queue.changeVisibility(record.receiptHandle, retryDelayMs(attempt, deps.retryScale));
  } catch (error) {
    // The message still comes back, after the queue's own visibility timeout.
    deps.log.warn('could not delay the webhook message', {
      messageId: record.messageId,
      error: describe(error),
    });
  }
  return 'retry';
}

async function deadLetter(
  deps: DeliverWebhooksDeps,
  record: QueueRecord,
  reason: DeadLetterReason,
  context: {
    attempt: number;
    endpoint?: string | undefined;
    event?: WebhookEvent;
    status?: number | string;
  },
): Promise<Outcome> {
  const attributes: Record<string, string> = { reason, attempts: String(context.attempt) };
  if (context.endpoint !== undefined) attributes.endpoint = context.endpoint;
  if (context.event) attributes.eventId = context.event.eventId;
  if (context.status !== undefined) attributes.status = String(context.status);
  try {
    await deps.queue.sendToDeadLetter({ body: record.body, attributes });
  } catch (error) {
    // Not acknowledged: the record comes back, and the queue's redrive policy is the backstop.
    deps.log.error('could not dead-letter the webhook message; it will be received again', {
      messageId: record.messageId,
      ...attributes,
      error: describe(error),
    });
    return 'retry';
  }
  deps.counter.count('WebhookDeadLettered');
  deps.log.warn('webhook dead-lettered', { messageId: record.messageId, ...attributes });
  return 'ack';
}

// Our own errors' messages name ids and fields, never values; anything else only by its name.
function describe(error: unknown): string {
  if (error instanceof PayoutServiceError) return `${error.name}: ${error.message}`;
  return error instanceof Error ? error.name : 'unknown error';
}
