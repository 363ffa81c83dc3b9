import type { FloatEventType, FloatLevel } from './watermark';

/** A float event's `detail`: the reading that crossed the watermark, and the crossing. */
export interface FloatEventDetail extends FloatReading {
  /** `float:<version>`: the same crossing always has the same id; consumers dedupe on it. */
  eventId: string;
  occurredAt: string;
  /** The level before the crossing; null when this was the monitor's first reading. */
  previousState: FloatLevel | null;
  state: FloatLevel;
}

/** One float event as the monitor's state item keeps it until it is published (its outbox). */
export interface FloatEvent {
  eventId: string;
  type: FloatEventType;
  occurredAt: string;
  detail: FloatEventDetail;
}

/**
 * A stable id, distinct from every payout's (`tradeNo:version`) and batch's (`batch:…`): the
 * version of the state write that recorded the crossing, fixed by its condition, so two runs can
 * never give two crossings one id, and republishing a left-over event keeps its id.
 */
export function floatEventId(version: number): string {
  return `float:${version}`;
}

/** What a check read, for the event of its crossing. */
export interface FloatReading {
  /** Paypro's three figures, KES, as read at `readAt`. */
  available: number;
  frozen: number;
  unsettled: number;
  /** Our money in flight (open payouts and unrecorded batch items), KES, read with the balance. */
  inFlight: number;
  /** FLOAT_LOW_WATERMARK, KES, when the check ran. */
  watermark: number;
  /** When Paypro's balance was read. */
  readAt: string;
}

/** The event of a crossing recorded by the state write of `version`. */
export function floatEvent(
  type: FloatEventType,
  version: number,
  reading: FloatReading,
  previousState: FloatLevel | undefined,
  state: FloatLevel,
  occurredAt: string,
): FloatEvent {
  const eventId = floatEventId(version);
  return {
    eventId,
    type,
    occurredAt,
    detail: { eventId, occurredAt, ...reading, previousState: previousState ?? null, state },
  };
}
