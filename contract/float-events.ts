/*
 * The float events (Float Low, Float Restored) as zod schemas, for the API document only: the
 * detail from the type the float monitor publishes (lib/float/events.ts), which the assertion at
 * the end keeps equal to this schema, and the webhook type named as deliver-webhooks names it.
 */
import { z } from 'zod';
import type { FloatEventDetail } from '../lib/float/events';
import type { FloatEventType } from '../lib/float/watermark';
import { webhookType } from '../lib/webhooks/webhook-event';
import { agree, replies, type Same, shillings, timestamp } from './schemas';

/** Every float event, with when it happens: the compiler checks that none is missing. */
export const FLOAT_EVENTS = {
  'Float Low':
    "Paypro's available balance fell below FLOAT_LOW_WATERMARK (the first reading below it, or the " +
    'first since it was restored); sent once per crossing, however long it stays low.',
  'Float Restored':
    "Paypro's available balance is back at or above FLOAT_LOW_WATERMARK after a Float Low; sent once per crossing.",
} as const satisfies Record<FloatEventType, string>;

export const floatWebhookType = z
  .enum(Object.keys(FLOAT_EVENTS).map(webhookType) as [string, ...string[]])
  .register(replies, {
    id: 'FloatWebhookType',
    description: "A float webhook's type: its EventBridge detail-type, lower case and dotted.",
  });

export const floatLevel = z.enum(['low', 'ok']).register(replies, {
  id: 'FloatLevel',
  description: 'Below FLOAT_LOW_WATERMARK (low), or at or above it (ok).',
});

const kes = (what: string) => z.number().describe(`${what}, KES, as Paypro reported it`);

export const floatEventDetail = z
  .strictObject({
    eventId: z.string().describe('float:<version>: the same crossing always has the same id; dedupe on it'),
    occurredAt: timestamp.describe('When the crossing was found (the reading)'),
    available: kes('What payouts may still draw on'),
    frozen: kes('Held by Paypro'),
    unsettled: kes('Come in, not yet available'),
    inFlight: shillings().describe(
      'Our money in flight when the balance was read: open payouts and unrecorded batch items',
    ),
    watermark: shillings().describe('FLOAT_LOW_WATERMARK when the check ran'),
    readAt: timestamp.describe("When Paypro's balance was read"),
    previousState: floatLevel.nullable().describe("The level before; null at the monitor's first reading"),
    state: floatLevel.describe('The level now'),
  })
  .register(replies, {
    id: 'FloatEventDetail',
    description: "The reading of Paypro's balance that crossed FLOAT_LOW_WATERMARK, and the crossing.",
  });

export const floatWebhook = z
  .strictObject({
    type: floatWebhookType,
    timestamp: timestamp.describe('When the event happened (not this attempt: see webhook-timestamp)'),
    data: floatEventDetail,
  })
  .register(replies, {
    id: 'FloatWebhook',
    description: 'The body of a float webhook (Standard Webhooks): its type, when, and the event detail.',
  });

/** The example data of a float event type. */
export function floatExampleData(detailType: string): Record<string, unknown> {
  const low = detailType === 'Float Low';
  const at = low ? '2026-11-25T09:00:02.000Z' : '2026-11-25T11:30:01.000Z';
  return {
    eventId: low ? 'float:412' : 'float:431',
    occurredAt: at,
    available: low ? 84_250 : 1_500_000,
    frozen: 0,
    unsettled: low ? 12_000 : 0,
    inFlight: low ? 61_500 : 0,
    watermark: 100_000,
    readAt: at,
    previousState: low ? 'ok' : 'low',
    state: low ? 'low' : 'ok',
  };
}

agree<Same<z.output<typeof floatEventDetail>, FloatEventDetail>>();
