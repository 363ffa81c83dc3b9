import { pathToFileURL } from 'node:url';
import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { BASIC } from '@hyperjump/json-schema/experimental';
import { validate } from '@hyperjump/json-schema/openapi-3-1';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { buildDocument, DOCUMENT_PATH } from '../../../contract/document';
import { BATCH_EVENTS, PAYOUT_EVENTS } from '../../../contract/events';
import { FLOAT_EVENTS } from '../../../contract/float-events';
import { PAYPRO_EVENTS } from '../../../contract/paypro-events';
import type { BatchRecord } from '../../../lib/batches/batch';
import { batchEvent } from '../../../lib/batches/events';
import { type BusEvent, EventBridgeBus } from '../../../lib/events/bus';
import { floatEvent } from '../../../lib/float/events';
import { anomaly, flagged, statusChanged } from '../../../lib/payouts/events';
import type { Payout } from '../../../lib/payouts/payout';
import { payproEvent } from '../../../lib/paypro/breaker-events';
import { deliverWebhooks, type QueueRecord } from '../../../lib/webhooks/deliver';
import { generateWebhookSecret } from '../../../lib/webhooks/sign';

const DOCUMENT_URL = pathToFileURL(DOCUMENT_PATH).href;
const AT = '2026-11-25T09:00:02.000Z';
const SECRET = generateWebhookSecret();

const pending: Payout = {
  tradeNo: 'order-1001',
  amount: 100,
  mobile: '254712345678',
  remark: 'March wages',
  status: 'PENDING',
  requestHash: 'hash',
  createdAt: '2026-11-25T09:00:00.000Z',
  updatedAt: '2026-11-25T09:00:00.000Z',
  history: [{ at: '2026-11-25T09:00:00.000Z', source: 'api', status: 'PENDING' }],
};
const processing: Payout = {
  ...pending,
  status: 'PROCESSING',
  version: 1,
  paypro: { serialNumber: 'PP1', code: '0015', message: 'CREDIT_INPROGRESS' },
};
const paid = (status: 'SUCCEEDED' | 'FAILED'): Payout => ({
  ...processing,
  status,
  updatedAt: AT,
  paypro: {
    serialNumber: 'PP1',
    platFormTradeNo: 'KE1',
    code: status === 'SUCCEEDED' ? '0000' : '2001',
    successTime: AT,
  },
});
const batch: BatchRecord = {
  batchId: 'payroll-2026-11',
  requestHash: 'hash',
  itemCount: 2,
  totalAmount: 201,
  status: 'RECEIVED',
  createdAt: '2026-11-25T09:00:00.000Z',
  updatedAt: '2026-11-25T09:00:00.000Z',
  capDay: '2026-11-25',
};
const totals = {
  counts: { PENDING: 0, PROCESSING: 0, SUCCEEDED: 1, FAILED: 1, REJECTED: 0, CANCELLED: 0 },
  amounts: { PENDING: 0, PROCESSING: 0, SUCCEEDED: 100, FAILED: 101, REJECTED: 0, CANCELLED: 0 },
};
const decision = { by: 'arn:aws:iam::123456789012:user/amina', at: AT, reason: 'wrong month' };
const reading = (available: number) => ({
  available,
  frozen: 0,
  unsettled: 1_250.5,
  inFlight: 4_000,
  watermark: 100_000,
  readAt: AT,
});

/** One event of every type, each built by the publishers' own code. */
function everyEvent(): BusEvent[] {
  const batchAt = (status: BatchRecord['status'], extra: Partial<BatchRecord> = {}) =>
    batchEvent(
      batch,
      { ...batch, status, updatedAt: AT, ...extra },
      AT,
      status.startsWith('COMPLETED') ? totals : undefined,
    );
  return [
    statusChanged(pending, processing, AT),
    statusChanged(processing, paid('SUCCEEDED'), AT),
    statusChanged(processing, paid('FAILED'), AT),
    flagged(processing, AT),
    anomaly(paid('SUCCEEDED'), AT, { source: 'query', reportedAmount: '1000', note: 'another amount' }),
    batchAt('RECEIVED'),
    batchAt('AWAITING_APPROVAL', { approvalDeadline: '2026-11-26T09:00:00.000Z' }),
    batchAt('AWAITING_FUNDS', {
      funds: { available: 150, inFlight: 20, needed: 201, checkedAt: AT },
    }),
    batchAt('COMPLETED_WITH_FAILURES', { completedAt: AT }),
    batchAt('CANCELLED', { cancellation: decision }),
    batchAt('REJECTED', {
      rejection: {
        cap: 'recipientDailyCount',
        limit: 10,
        remaining: 0,
        day: '2026-11-25',
        detail: "The batch would exceed a recipient's daily count cap.",
        errors: [{ field: 'items[1].mobile', message: 'would exceed the cap' }],
        problemCount: 1,
      },
    }),
    floatEvent('Float Low', 1, reading(99_999), undefined, 'low', AT),
    floatEvent('Float Restored', 2, reading(100_000), 'low', 'ok', AT),
    payproEvent(
      {
        eventId: 'paypro:5',
        type: 'Paypro Unavailable',
        occurredAt: AT,
        since: AT,
        failure: "HTTP 503 without Paypro's envelope",
      },
      { payouts: 40, amount: 24_000, batches: 1 },
    ),
    payproEvent(
      {
        eventId: 'paypro:9',
        type: 'Paypro Restored',
        occurredAt: AT,
        since: AT,
        failure: 'connection failed (ECONNREFUSED)',
        restoredAt: AT,
      },
      { payouts: 0, amount: 0, batches: 0 },
    ),
  ].filter((event): event is NonNullable<typeof event> => event !== undefined);
}

/** The bodies POSTed to an endpoint for `events`: through the real bus, the SQS envelope and delivery. */
async function deliveredBodies(
  events: BusEvent[],
): Promise<Array<{ body: string; headers: Record<string, string> }>> {
  const entries: NonNullable<PutEventsCommand['input']['Entries']> = [];
  const client = {
    send: async (command: PutEventsCommand) => {
      entries.push(...(command.input.Entries ?? []));
      return { FailedEntryCount: 0 };
    },
  } as unknown as EventBridgeClient;
  await new EventBridgeBus('payouts-test', client).publish(events);
  // What EventBridge hands the webhooks queue: its envelope around each entry.
  const records: QueueRecord[] = entries.map((entry, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `rh-${i}`,
    body: JSON.stringify({
      version: '0',
      id: `eb-${i}`,
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: '000000000000',
      time: entry.Time?.toISOString(),
      region: 'eu-west-1',
      resources: [],
      detail: JSON.parse(entry.Detail ?? '{}'),
    }),
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: { endpoint: { stringValue: 'erp' } },
  }));
  const posted: Array<{ body: string; headers: Record<string, string> }> = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    posted.push({ body: String(init?.body), headers: init?.headers as Record<string, string> });
    return new Response(null, { status: 204 });
  };
  const result = await deliverWebhooks(
    {
      queue: {
        sendBatch: async () => undefined,
        changeVisibility: async () => undefined,
        sendToDeadLetter: async () => undefined,
      },
      endpoints: async () => [{ id: 'erp', url: 'https://erp.test/hooks', secret: SECRET }],
      timeoutMs: 1_000,
      retryScale: 1,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined } as never,
      counter: { count: () => undefined },
      // Signed now: the receiver's library refuses a timestamp 5 minutes off its clock.
      now: () => new Date(),
      fetch: fetch as typeof globalThis.fetch,
    },
    records,
  );
  expect(result).toEqual({ batchItemFailures: [] });
  return posted;
}

/** The errors of `value` against the schema at `pointer` of the checked-in document (none: valid). */
async function problemsAt(pointer: string, value: unknown): Promise<unknown[]> {
  const output = await validate(`${DOCUMENT_URL}#${pointer}`, value as never, BASIC);
  return output.valid ? [] : (output.errors ?? []).map((e) => `${e.instanceLocation}: ${e.keyword}`);
}

describe('the webhooks section of openapi.json', () => {
  it('names every event type the publishers have, and no other', () => {
    const documented = Object.keys(buildDocument().webhooks).sort();

    expect(documented).toEqual(
      [
        'batch.accepted',
        'batch.awaiting.approval',
        'batch.awaiting.funds',
        'batch.cancelled',
        'batch.completed',
        'batch.rejected',
        'float.low',
        'float.restored',
        'payout.anomaly',
        'payout.failed',
        'payout.flagged',
        'payout.processing',
        'payout.succeeded',
        'paypro.restored',
        'paypro.unavailable',
      ].sort(),
    );
    expect(documented).toHaveLength(
      Object.keys(PAYOUT_EVENTS).length +
        Object.keys(BATCH_EVENTS).length +
        Object.keys(FLOAT_EVENTS).length +
        Object.keys(PAYPRO_EVENTS).length,
    );
  });

  it('describes every webhook deliver-webhooks really sends, built and published by the real code', async () => {
    const events = everyEvent();
    const posted = await deliveredBodies(events);

    expect(posted).toHaveLength(events.length);
    const webhook = new Webhook(SECRET);
    for (const { body, headers } of posted) {
      const sent = webhook.verify(body, headers) as { type: string };
      const pointer = `/webhooks/${sent.type}/post/requestBody/content/application~1json/schema`;
      expect(await problemsAt(pointer, sent), body).toEqual([]);
    }
    const types = posted.map(({ body }) => (JSON.parse(body) as { type: string }).type);
    expect(new Set(types)).toEqual(new Set(Object.keys(buildDocument().webhooks)));
  });

  it('refuses a body whose type is not the webhook’s, or whose data is not the event’s', async () => {
    const [succeeded] = await deliveredBodies([statusChanged(processing, paid('SUCCEEDED'), AT)]);
    const body = JSON.parse(succeeded?.body ?? '{}');
    const pointer = '/webhooks/payout.succeeded/post/requestBody/content/application~1json/schema';

    expect(await problemsAt(pointer, body)).toEqual([]);
    expect(await problemsAt(pointer, { ...body, type: 'payout.failed' })).not.toEqual([]);
    const { mobile: _mobile, ...withoutMobile } = body.data;
    expect(await problemsAt(pointer, { ...body, data: withoutMobile })).not.toEqual([]);
    expect(await problemsAt(pointer, { ...body, data: { ...body.data, history: [] } })).not.toEqual([]);
  });
});
