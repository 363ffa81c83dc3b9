import { describe, expect, it } from 'vitest';
import { DRAIN_ATTEMPTS, drainOutbox, type EventOutbox } from '../../../../lib/shared/outbox';
import { countingCounter, recordingLog } from '../../../support/fakes/observability';

interface Event {
  eventId: string;
}

/** One record's outbox in memory; `onRead` runs after each read, as a writer racing the drain would. */
function outbox(events: Event[], onRead: (events: Event[]) => void = () => undefined) {
  const held = [...events];
  const store: EventOutbox<Event> = {
    async readOutbox() {
      const read = [...held];
      onRead(held);
      return read;
    },
    async clearOutbox(_id, count) {
      if (held.length !== count) return false;
      held.length = 0;
      return true;
    },
  };
  return { store, held };
}

function drainer(store: EventOutbox<Event>, publish: (events: readonly Event[]) => Promise<void>) {
  const log = recordingLog();
  const counter = countingCounter();
  const drain = () =>
    drainOutbox(
      { outbox: store, publish, log, counter },
      { id: 'p-1', fields: { tradeNo: 'p-1' }, published: 'events published' },
    );
  return { drain, log, counter };
}

describe('drainOutbox', () => {
  it('publishes the outbox oldest first, then empties it', async () => {
    // Prepare
    const { store, held } = outbox([{ eventId: 'p-1:1' }, { eventId: 'p-1:2' }]);
    const sent: string[] = [];
    const { drain, counter } = drainer(store, async (events) => {
      sent.push(...events.map((e) => e.eventId));
    });

    // Act
    const result = await drain();

    // Assess
    expect(result).toEqual({ published: 2, emptied: true });
    expect(sent).toEqual(['p-1:1', 'p-1:2']);
    expect(held).toEqual([]);
    expect(counter.counts.EventPublished).toBe(2);
  });

  it('publishes an event appended while it published, then empties the outbox on the next try', async () => {
    // Prepare: a writer adds p-1:2 after the first read, so the first clear is refused.
    let reads = 0;
    const { store, held } = outbox([{ eventId: 'p-1:1' }], (events) => {
      reads += 1;
      if (reads === 1) events.push({ eventId: 'p-1:2' });
    });
    const sent: string[] = [];
    const { drain } = drainer(store, async (events) => {
      sent.push(...events.map((e) => e.eventId));
    });

    // Act
    const result = await drain();

    // Assess: at-least-once, p-1:1 twice (same eventId), and nothing left.
    expect(result).toEqual({ published: 3, emptied: true });
    expect(sent).toEqual(['p-1:1', 'p-1:1', 'p-1:2']);
    expect(held).toEqual([]);
  });

  it(`gives up after ${DRAIN_ATTEMPTS} tries while writers keep appending, and says so`, async () => {
    // Prepare
    let version = 1;
    const { store, held } = outbox([{ eventId: 'p-1:1' }], (events) => {
      version += 1;
      events.push({ eventId: `p-1:${version}` });
    });
    const { drain, log } = drainer(store, async () => undefined);

    // Act
    const result = await drain();

    // Assess
    expect(result.emptied).toBe(false);
    expect(held.length).toBeGreaterThan(0);
    expect(log.lines).toEqual([
      { level: 'warn', message: 'outbox still changing after every try; the next drain publishes the rest' },
    ]);
  });

  it('leaves the outbox as it was when publishing fails, and throws', async () => {
    // Prepare
    const { store, held } = outbox([{ eventId: 'p-1:1' }]);
    const { drain, counter } = drainer(store, async () => {
      throw new Error('bus down');
    });

    // Act
    const outcome = await drain().catch((error: unknown) => error);

    // Assess
    expect(outcome).toEqual(new Error('bus down'));
    expect(held).toEqual([{ eventId: 'p-1:1' }]);
    expect(counter.counts.EventPublished).toBeUndefined();
  });
});
