/*
 * The breaker's events (Paypro Unavailable, Paypro Restored) as zod schemas, for the API document
 * only: the detail from the type the prober publishes (lib/paypro/breaker-events.ts), which the
 * assertions at the end keep equal to these schemas, and the webhook type named as
 * deliver-webhooks names it.
 */
import { z } from 'zod';
import type { BreakerEventType } from '../lib/paypro/breaker';
import type { PayproEventDetail } from '../lib/paypro/breaker-events';
import type { HeldWork } from '../lib/paypro/held';
import { webhookType } from '../lib/webhooks/webhook-event';
import { agree, count, replies, type Same, shillings, timestamp } from './schemas';

/** Every breaker event, with when it happens: the compiler checks that none is missing. */
export const PAYPRO_EVENTS = {
  'Paypro Unavailable':
    'Paypro stopped answering (PAYPRO_BREAKER_FAILURES refused or reset connections, timeouts, HTTP 5xx ' +
    'or 429 within PAYPRO_BREAKER_WINDOW_S): nothing is sent to Paypro until it answers again; single ' +
    'payouts wait PENDING and batch items wait in their queue, nothing is lost. Sent once per outage. ' +
    'Carries since, failure and held.',
  'Paypro Restored':
    'Paypro answered a probe again: the held payouts are sent, at a ramp over PAYPRO_RAMP_S. Sent once ' +
    'per outage, after its Paypro Unavailable. Carries since, restoredAt, failure and held.',
} as const satisfies Record<BreakerEventType, string>;

export const payproWebhookType = z
  .enum(Object.keys(PAYPRO_EVENTS).map(webhookType) as [string, ...string[]])
  .register(replies, {
    id: 'PayproWebhookType',
    description: "A Paypro availability webhook's type: its EventBridge detail-type, lower case and dotted.",
  });

export const heldWork = z
  .strictObject({
    payouts: count().describe('Payouts recorded and never sent to Paypro (PENDING, no sentAt)'),
    amount: shillings().describe('What those payouts carry'),
    batches: count().describe('The batches those payouts belong to'),
  })
  .register(replies, {
    id: 'HeldWork',
    description:
      'What waits for Paypro: payouts recorded and never handed to it (single payouts answered 202 ' +
      'PENDING, batch items waiting in their queue), their shillings, and their batches. Payouts sent ' +
      'before the outage (outcome unknown, settled by the reconciler) and batch lines not yet recorded ' +
      'are not counted.',
  });

export const payproEventDetail = z
  .strictObject({
    eventId: z
      .string()
      .describe('paypro:<version>: the same transition always has the same id; dedupe on it'),
    occurredAt: timestamp.describe('When the breaker opened (Unavailable) or closed (Restored)'),
    since: timestamp.describe('When Paypro became unavailable'),
    failure: z
      .string()
      .describe('What was seen: the failure that opened the breaker, or (Restored) the last seen while open'),
    restoredAt: timestamp.optional().describe('Restored only: when Paypro answered a probe again'),
    held: heldWork.describe(
      'Read when the event was published (within a minute of the transition): held (Unavailable), resuming (Restored)',
    ),
  })
  .register(replies, {
    id: 'PayproEventDetail',
    description: 'A change of Paypro’s availability as the service sees it, and the work waiting for Paypro.',
  });

export const payproWebhook = z
  .strictObject({
    type: payproWebhookType,
    timestamp: timestamp.describe('When the event happened (not this attempt: see webhook-timestamp)'),
    data: payproEventDetail,
  })
  .register(replies, {
    id: 'PayproWebhook',
    description:
      "The body of a Paypro availability webhook (Standard Webhooks): its type, when, and the event's detail.",
  });

/** The example data of a breaker event type: one outage of 4 minutes during a payroll. */
export function payproExampleData(detailType: string): Record<string, unknown> {
  const since = '2026-11-25T09:00:02.000Z';
  if (detailType === 'Paypro Unavailable') {
    return {
      eventId: 'paypro:57',
      occurredAt: since,
      since,
      failure: "HTTP 503 without Paypro's envelope",
      held: { payouts: 912, amount: 547_200, batches: 1 },
    };
  }
  const restoredAt = '2026-11-25T09:04:17.000Z';
  return {
    eventId: 'paypro:74',
    occurredAt: restoredAt,
    since,
    failure: 'connection failed (ECONNREFUSED)',
    restoredAt,
    held: { payouts: 958, amount: 574_800, batches: 1 },
  };
}

agree<Same<z.output<typeof heldWork>, HeldWork>>();
agree<Same<z.output<typeof payproEventDetail>, PayproEventDetail>>();
