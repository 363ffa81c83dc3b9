/*
 * The reply of GET /admin/paypro-status as zod schemas, for the API document only (see
 * ./schemas.ts); the assertion at the end keeps it equal to the type the handler replies with.
 */
import { z } from 'zod';
import type { PayproAvailability, PayproStatus } from '../lib/admin/paypro-status';
import { heldWork } from './paypro-events';
import { agree, replies, type Same, timestamp } from './schemas';

const AVAILABILITIES = [
  'available',
  'unavailable',
  'resuming',
] as const satisfies readonly PayproAvailability[];

const payproAvailability = z.enum(AVAILABILITIES).register(replies, {
  id: 'PayproAvailability',
  description:
    'Paypro as the breaker sees it: available (payouts are sent), unavailable (the breaker is open: nothing ' +
    'is sent until a probe succeeds; nothing is lost) or resuming (it closed less than PAYPRO_RAMP_S ago: ' +
    'held payouts are going out again, at a ramp).',
});

export const payproStatus = z
  .strictObject({
    availability: payproAvailability,
    since: timestamp
      .nullable()
      .describe('Unavailable or resuming: when Paypro became unavailable; else null'),
    failure: z
      .string()
      .nullable()
      .describe('Unavailable or resuming: the failure that opened the breaker, in one line; else null'),
    lastFailure: z
      .string()
      .nullable()
      .describe(
        'Unavailable or resuming: the latest failure seen while it was open (probes included); else null',
      ),
    nextProbeAt: timestamp
      .nullable()
      .describe('Unavailable: when paypro-breaker probes next (every PAYPRO_PROBE_S); else null'),
    restoredAt: timestamp
      .nullable()
      .describe(
        'Resuming or available: when the last outage ended; null while unavailable or if none is known',
      ),
    rampUntil: timestamp
      .nullable()
      .describe('Resuming: when every send is let through again (restoredAt + PAYPRO_RAMP_S); else null'),
    held: heldWork
      .nullable()
      .describe(
        'Unavailable or resuming: the work held for Paypro, read for this reply; null when available',
      ),
    readAt: timestamp.describe("When the breaker's item was read"),
  })
  .register(replies, {
    id: 'PayproStatus',
    description:
      "Paypro's availability as the service's breaker sees it, since when, and the work waiting for it.",
  });

agree<Same<z.output<typeof payproStatus>, PayproStatus>>();
