import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EventBusUnavailableError } from '../errors';

/** EventBridge `source` of every event the service publishes. */
export const EVENT_SOURCE = 'paypro-payouts';

/** What the bus publishes: a committed event of a payout or of a batch, as its outbox keeps it. */
export interface BusEvent {
  /** The EventBridge detail-type, e.g. `Payout Succeeded`, `Batch Completed`. */
  type: string;
  occurredAt: string;
  detail: object;
}

/** Where published events go; the publishers see only this. */
export interface EventBus {
  /** Publishes every event or throws EventBusUnavailableError (some may have been published: at-least-once). */
  publish(events: readonly BusEvent[]): Promise<void>;
}

// PutEvents takes at most 10 entries per call.
const MAX_ENTRIES = 10;

/** The EventBridge custom bus `payouts-<stage>`; the endpoint comes from the environment, as the SDK reads it. */
export class EventBridgeBus implements EventBus {
  constructor(
    private readonly busName: string,
    private readonly client: EventBridgeClient = new EventBridgeClient({}),
  ) {}

  async publish(events: readonly BusEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const entries: PutEventsRequestEntry[] = events.slice(i, i + MAX_ENTRIES).map((event) => ({
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: event.type,
        Detail: JSON.stringify(event.detail),
        Time: new Date(event.occurredAt),
        Resources: [],
      }));
      let failed: number;
      try {
        const reply = await this.client.send(new PutEventsCommand({ Entries: entries }));
        failed = reply.FailedEntryCount ?? 0;
      } catch (error) {
        throw new EventBusUnavailableError(`Could not publish to ${this.busName}.`, { cause: error });
      }
      // Nothing is taken out of the outbox unless all went through; the retry republishes the
      // rest under the same eventIds, which consumers dedupe.
      if (failed > 0) {
        throw new EventBusUnavailableError(
          `${failed} of ${entries.length} events were refused by ${this.busName}.`,
        );
      }
    }
  }
}
