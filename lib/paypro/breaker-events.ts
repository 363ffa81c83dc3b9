import type { BreakerEventType, BreakerTransition } from './breaker';
import type { BreakerEvents } from './breaker-gate';
import type { HeldReader, HeldWork } from './held';

/*
 * The breaker's transitions as events on the stage's bus: `Paypro Unavailable` and `Paypro
 * Restored`, which the webhooks deliver as `paypro.unavailable` and `paypro.restored`. Only the
 * prober (paypro-breaker) publishes them, so only its bundle carries this.
 */

/** A breaker event's `detail`: the transition, and the work held for Paypro when it was published. */
export interface PayproEventDetail {
  /** `paypro:<version>`: the same transition always has the same id; consumers dedupe on it. */
  eventId: string;
  /** When the transition happened: the breaker opened (Unavailable) or closed (Restored). */
  occurredAt: string;
  /** When Paypro became unavailable: the outage's opening. */
  since: string;
  /** The failure that opened the breaker (Unavailable), or the last one seen while it was open (Restored). */
  failure: string;
  /** Restored only: when Paypro answered a probe again. */
  restoredAt?: string;
  /**
   * What waits for Paypro, read when the event is published (at most a minute after the
   * transition): on Unavailable, what is held; on Restored, what now resumes at the ramp.
   */
  held: HeldWork;
}

/** One breaker event as the bus takes it. */
export interface PayproEvent {
  type: BreakerEventType;
  occurredAt: string;
  detail: PayproEventDetail;
}

/** Where breaker events go (port): the stage's EventBridge bus, which takes them as any other event. */
export interface PayproEventBus {
  /** Publishes every event or throws. */
  publish(events: readonly PayproEvent[]): Promise<void>;
}

/** The event of `transition`, with the work held now. */
export function payproEvent(transition: BreakerTransition, held: HeldWork): PayproEvent {
  const { eventId, type, occurredAt, since, failure, restoredAt } = transition;
  return {
    type,
    occurredAt,
    detail: {
      eventId,
      occurredAt,
      since,
      failure,
      ...(restoredAt !== undefined && { restoredAt }),
      held,
    },
  };
}

/**
 * BreakerEvents on the bus: reads the work held, then publishes the transition's event. A failed
 * read or publication throws, and the transition stays in the breaker's item for the next run.
 */
export class BusBreakerEvents implements BreakerEvents {
  constructor(
    private readonly bus: PayproEventBus,
    private readonly held: HeldReader,
  ) {}

  async publish(transition: BreakerTransition): Promise<void> {
    await this.bus.publish([payproEvent(transition, await this.held.read())]);
  }
}
