/*
 * The `webhooks` section: one entry per event type, named as deliver-webhooks names it, with the
 * Standard Webhooks headers and the body the receiver gets.
 */
import { webhookType } from '../lib/webhooks/webhook-event';
import { BATCH_EVENTS, PAYOUT_EVENTS } from './events';
import { processingPayout, receivedBatch, succeededPayout } from './examples';
import { FLOAT_EVENTS, floatExampleData } from './float-events';
import { ref, type Schema } from './json-schema';
import { PAYPRO_EVENTS, payproExampleData } from './paypro-events';
import { JSON_TYPE } from './responses';

const header = (name: string, description: string, example: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
  example,
});

const STANDARD_WEBHOOK_HEADERS = [
  header(
    'webhook-id',
    "The event's eventId: the same for every attempt and endpoint; dedupe on it",
    'order-1001:2',
  ),
  header(
    'webhook-timestamp',
    'Seconds since the epoch, of this attempt; refuse one 5 minutes off your clock',
    '1795597202',
  ),
  header(
    'webhook-signature',
    'v1, + base64 HMAC-SHA256 of <webhook-id>.<webhook-timestamp>.<body> under the key of your whsec_ secret',
    'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  ),
];

const RECEIVER_REPLIES = {
  '2XX': { description: 'Delivered: nothing more is sent for this event to this endpoint.' },
  '4XX': {
    description:
      'Refused (as any 3xx and 4xx but 408 and 429): not retried; the message goes to the dead-letter ' +
      'queue with reason rejected. 408 and 429 are retried like a 5xx.',
  },
  '5XX': {
    description:
      'Retried after 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h and 10 h (as is no answer within ' +
      'WEBHOOK_TIMEOUT_MS), then dead-lettered.',
  },
};

/** The example data of each event type: the README's payout and batch, as each event carries them. */
function exampleData(detailType: string): Record<string, unknown> {
  const { history: _history, ...payout } = succeededPayout;
  const { history: _pending, ...processing } = processingPayout;
  const change = (eventId: string, version: number, previousStatus: string) => ({
    eventId,
    version,
    previousStatus,
  });
  switch (detailType) {
    case 'Payout Processing':
      return { ...change('order-1001:1', 1, 'PENDING'), ...processing };
    case 'Payout Succeeded':
      return { ...change('order-1001:2', 2, 'PROCESSING'), ...payout };
    case 'Payout Failed':
      return {
        ...change('order-1001:2', 2, 'PROCESSING'),
        ...payout,
        status: 'FAILED',
        paypro: { code: '2001', message: 'INVALID_ACCOUNT' },
      };
    case 'Payout Flagged':
      return {
        ...change('order-1001:2', 2, 'PROCESSING'),
        ...processing,
        flaggedAt: '2026-11-26T09:05:00.000Z',
      };
    case 'Payout Anomaly':
      return {
        ...change('order-1001:3', 3, 'SUCCEEDED'),
        ...payout,
        anomaly: { source: 'query', reportedAmount: '1000', note: "Paypro's query names another amount" },
      };
    default:
      if (detailType in FLOAT_EVENTS) return floatExampleData(detailType);
      if (detailType in PAYPRO_EVENTS) return payproExampleData(detailType);
      return batchExampleData(detailType);
  }
}

function batchExampleData(detailType: string): Record<string, unknown> {
  const at = '2026-11-25T10:00:00.000Z';
  const zero = { PENDING: 0, PROCESSING: 0, SUCCEEDED: 0, FAILED: 0, REJECTED: 0, CANCELLED: 0 };
  const decision = { by: 'arn:aws:iam::123456789012:user/amina', at, reason: 'wrong month' };
  const data: Record<string, Record<string, unknown>> = {
    'Batch Accepted': { previousStatus: 'RECEIVED', version: 1 },
    'Batch Awaiting Approval': { status: 'AWAITING_APPROVAL', approvalDeadline: '2026-11-26T09:00:00.000Z' },
    'Batch Awaiting Funds': {
      previousStatus: 'RECORDING',
      status: 'AWAITING_FUNDS',
      funds: { available: 420000, inFlight: 35000, needed: 599500, checkedAt: at },
    },
    'Batch Completed': {
      status: 'COMPLETED',
      completedAt: at,
      counts: { ...zero, SUCCEEDED: 1000 },
      amounts: { ...zero, SUCCEEDED: 599500 },
    },
    'Batch Rejected': {
      status: 'REJECTED',
      rejection: {
        cap: 'recipientDailyCount',
        limit: 10,
        remaining: 0,
        day: '2026-11-25',
        detail: "The batch would exceed a recipient's daily count cap.",
        errors: [{ field: 'items[7].mobile', message: 'would exceed the recipient daily count cap' }],
        problemCount: 1,
      },
    },
    'Batch Cancelled': { status: 'CANCELLED', cancellation: decision },
  };
  const version = Number(data[detailType]?.version ?? 2);
  return {
    eventId: `batch:payroll-2026-11:${version}`,
    version,
    previousStatus: 'RECEIVED',
    ...receivedBatch,
    updatedAt: at,
    ...data[detailType],
  };
}

/** One webhook: what it means, its headers, its body (the family's, with `type` fixed) and example. */
function webhook(
  detailType: string,
  meaning: string,
  family: 'PayoutWebhook' | 'BatchWebhook' | 'FloatWebhook' | 'PayproWebhook',
) {
  const type = webhookType(detailType);
  const schema: Schema = {
    allOf: [ref(family)],
    properties: { type: { const: type } },
    required: ['type'],
  };
  const operationId = `${type.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase())}Webhook`;
  return {
    post: {
      operationId,
      tags: ['webhooks'],
      summary: `${type}: ${meaning.split(/[.;:]/)[0]}`,
      description:
        `EventBridge detail-type \`${detailType}\`. ${meaning} Sent to every endpoint of ` +
        'paypro-webhooks/<stage> (WEBHOOK_URL under npm start), signed as Standard Webhooks says; ' +
        `delivery is at least once: dedupe on webhook-id, order by ${family === 'FloatWebhook' || family === 'PayproWebhook' ? 'data.occurredAt' : 'data.version'}.`,
      security: [],
      parameters: STANDARD_WEBHOOK_HEADERS,
      requestBody: {
        required: true,
        content: {
          [JSON_TYPE]: {
            schema,
            examples: {
              example: {
                summary: detailType,
                value: { type, timestamp: '2026-11-25T09:00:02.000Z', data: exampleData(detailType) },
              },
            },
          },
        },
      },
      responses: RECEIVER_REPLIES,
    },
  };
}

/** The document's `webhooks`: every payout, batch, float and Paypro availability event, by its webhook type. */
export function webhooks() {
  return Object.fromEntries([
    ...Object.entries(PAYOUT_EVENTS).map(([t, meaning]) => [
      webhookType(t),
      webhook(t, meaning, 'PayoutWebhook'),
    ]),
    ...Object.entries(BATCH_EVENTS).map(([t, meaning]) => [
      webhookType(t),
      webhook(t, meaning, 'BatchWebhook'),
    ]),
    ...Object.entries(FLOAT_EVENTS).map(([t, meaning]) => [
      webhookType(t),
      webhook(t, meaning, 'FloatWebhook'),
    ]),
    ...Object.entries(PAYPRO_EVENTS).map(([t, meaning]) => [
      webhookType(t),
      webhook(t, meaning, 'PayproWebhook'),
    ]),
  ]);
}
