import { EventBusUnavailableError } from '../../../lib/errors';
import type { BusEvent, EventBus } from '../../../lib/events/bus';

/**
 * An event bus that keeps what it was given, in order. `refuseNext(n)` makes the next n publish
 * calls fail as EventBridgeBus fails (EventBusUnavailableError, nothing taken).
 */
export class RecordingBus implements EventBus {
  readonly published: BusEvent[] = [];
  private refusals = 0;

  /** The next `times` publish calls throw EventBusUnavailableError. */
  refuseNext(times = 1): this {
    this.refusals += times;
    return this;
  }

  async publish(events: readonly BusEvent[]): Promise<void> {
    if (this.refusals > 0) {
      this.refusals -= 1;
      throw new EventBusUnavailableError('The bus refused the events (fake).');
    }
    this.published.push(...events.map((event) => JSON.parse(JSON.stringify(event)) as BusEvent));
  }
}
