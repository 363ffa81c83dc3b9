import type { Log } from '../shared/logger';
import type { Counter } from '../shared/metrics';
import {
  type Admission,
  admits,
  afterFailure,
  afterProbe,
  afterSuccess,
  type BreakerSettings,
  type BreakerState,
  type BreakerTransition,
  claimProbe,
  INITIAL_BREAKER,
  probeDue,
} from './breaker';
import type { BreakerEvents, BreakerGate, BreakerStore } from './breaker-gate';
import type { TransportFailure } from './transport';

/** What the shared breaker needs. */
export interface SharedBreakerDeps {
  store: BreakerStore;
  /**
   * Where transitions are announced; absent in the senders (create-payout, send-batch-items), whose
   * bundles then carry no event bus: a transition they record stays in the item until the prober
   * (paypro-breaker, every minute) publishes it.
   */
  events?: BreakerEvents;
  settings: BreakerSettings;
  /** How long a read of the item serves `admit()` in this container (PAYPRO_BREAKER_CACHE_MS). */
  cacheMs: number;
  /**
   * A call that moves no money (the payout query of a tradeNo): resolves when Paypro answered at
   * all, refusals included; throws PayproUnknownOutcomeError when it did not. Absent in the
   * senders: only the prober probes, so an open breaker costs a sender one cached read.
   */
  probe?: () => Promise<void>;
  log: Log;
  counter: Counter;
  now: () => Date;
  random?: () => number;
}

/** What a probe run did. */
export type ProbeOutcome = 'closed' | 'still-open' | 'not-due' | 'not-open';

/** A probe run: what it did, and the transitions it published (left-over ones and its own Restored). */
export interface ProbeRun {
  outcome: ProbeOutcome;
  published: BreakerTransition[];
}

/** A conditional write that went through: the state written, and the transitions it published. */
interface Written {
  to: BreakerState;
  published: BreakerTransition[];
}

// A conditional write that lost to another writer is tried again on a fresh read, a few times.
const WRITE_ATTEMPTS = 3;

/**
 * How long a publisher holds the publication of a transition it claimed: enough to read the held
 * work and put the event on the bus; a publisher that dies meanwhile leaves it to the next run.
 */
export const PUBLISH_LEASE_MS = 30_000;

/**
 * The breaker every money call goes through, shared by all functions and containers through one
 * item (BreakerStore). Reads are cached for `cacheMs`; every change is a conditional write on a
 * fresh read. A store failure never stops a payout: the breaker then admits and counts
 * PayproBreakerStoreFailure, because sending as before the breaker existed is safe (sendOnce's
 * claim still guards every send), while refusing would strand payouts on a DynamoDB hiccup.
 */
export class SharedBreaker implements BreakerGate {
  private cached: { state: BreakerState; until: number } | undefined;

  constructor(private readonly deps: SharedBreakerDeps) {}

  async admit(): Promise<Admission> {
    const state = await this.current();
    if (state === undefined) return { ok: true };
    if (this.deps.probe && state.status === 'open' && probeDue(state, this.deps.now(), this.deps.settings)) {
      if ((await this.probe()).outcome === 'closed') return this.admitFresh();
    }
    const admission = admits(state, this.deps.now(), this.deps.settings, this.deps.random);
    if (!admission.ok) this.deps.counter.count('PayproCallHeld');
    return admission;
  }

  async recordFailure(failure: TransportFailure): Promise<void> {
    if (!failure.unavailable) return;
    await this.change((state) => afterFailure(state, this.deps.now(), failure.detail, this.deps.settings));
  }

  async recordSuccess(): Promise<void> {
    // The cache tells whether anything could need clearing: most successes write nothing.
    const known = this.cached?.state;
    if (known && known.status === 'closed' && known.recentFailures.length === 0) return;
    await this.change(afterSuccess);
  }

  /**
   * Probes Paypro when the breaker is open and a probe is due, one caller at a time (the claim is a
   * conditional write): closes the breaker when Paypro answers. Publishes left-over transitions
   * first. Only the prober (paypro-breaker, every minute) has a probe, so an outage with nothing
   * queued still ends.
   */
  async probe(): Promise<ProbeRun> {
    const call = this.deps.probe;
    if (!call) return { outcome: 'not-due', published: [] };
    let state = await this.read();
    if (state === undefined) return { outcome: 'not-due', published: [] };
    const published = await this.publishPending(state);
    if (published.length > 0) {
      state = await this.read();
      if (state === undefined) return { outcome: 'not-due', published };
    }
    if (state.status !== 'open') return { outcome: 'not-open', published };
    const now = this.deps.now();
    if (!probeDue(state, now, this.deps.settings)) return { outcome: 'not-due', published };
    const claimed = claimProbe(state, now);
    if (!(await this.write(state, claimed))) return { outcome: 'not-due', published };
    let outcome: { ok: true } | { ok: false; failure: string };
    try {
      await call();
      outcome = { ok: true };
    } catch (error) {
      const failure = (error as { failure?: TransportFailure }).failure?.detail ?? 'probe failed';
      outcome = { ok: false, failure };
    }
    // Only the claim's own result applies: the item may have moved meanwhile (a published
    // transition cleared), but while it is open with this probeAt, no other probe was claimed.
    const written = await this.change((latest) =>
      latest.status === 'open' && latest.probeAt === claimed.probeAt
        ? afterProbe(latest, this.deps.now(), outcome)
        : undefined,
    );
    published.push(...(written?.published ?? []));
    if (!outcome.ok) {
      this.deps.log.warn('Paypro probe failed; the breaker stays open', { failure: outcome.failure });
      return { outcome: 'still-open', published };
    }
    return { outcome: written?.to.status === 'closed' ? 'closed' : 'still-open', published };
  }

  /** Publishes the transitions a previous writer recorded but could not publish; those it published, in order. */
  async publishLeftover(): Promise<BreakerTransition[]> {
    const state = await this.read();
    return state === undefined ? [] : this.publishPending(state);
  }

  /** The breaker's state now (a fresh read, kept for admit), or undefined (counted) when the store cannot be read. */
  async read(): Promise<BreakerState | undefined> {
    try {
      return this.remember(await this.deps.store.read());
    } catch (error) {
      this.storeFailed(error);
      return undefined;
    }
  }

  /** The breaker's state as last read (cached), or undefined when the store cannot be read. */
  private async current(): Promise<BreakerState | undefined> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.state;
    return this.read();
  }

  private async admitFresh(): Promise<Admission> {
    const state = this.cached?.state ?? INITIAL_BREAKER;
    return admits(state, this.deps.now(), this.deps.settings, this.deps.random);
  }

  private remember(state: BreakerState): BreakerState {
    this.cached = { state, until: Date.now() + this.deps.cacheMs };
    return state;
  }

  /**
   * Applies `next` to a fresh read and writes it conditionally, again on a lost race; announces and
   * publishes the transition it made. Undefined when nothing was written (or could be).
   */
  private async change(
    next: (state: BreakerState) => BreakerState | undefined,
  ): Promise<Written | undefined> {
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt += 1) {
      const state = await this.read();
      if (state === undefined) return undefined;
      const updated = next(state);
      if (updated === undefined) return undefined;
      if (await this.write(state, updated)) {
        if (updated.status === state.status) return { to: updated, published: [] };
        this.announce(updated);
        return { to: updated, published: await this.publishPending(updated) };
      }
    }
    return undefined;
  }

  /** One conditional write; false when another writer moved the item first, or the store failed. */
  private async write(state: BreakerState, next: BreakerState): Promise<boolean> {
    try {
      const written = await this.deps.store.write(state.version, next);
      if (written) this.remember(next);
      return written;
    } catch (error) {
      this.storeFailed(error);
      return false;
    }
  }

  private announce(state: BreakerState): void {
    if (state.status === 'open') {
      this.deps.counter.count('PayproUnavailable');
      this.deps.log.error('Paypro unavailable: money calls are held until a probe succeeds', {
        since: state.openedAt,
        failure: state.openedBy,
      });
    } else {
      this.deps.counter.count('PayproRestored');
      this.deps.log.info('Paypro restored: held work resumes at a ramp', {
        since: state.openedAt,
        restoredAt: state.closedAt,
      });
    }
  }

  /**
   * Publishes the item's unpublished transitions in order, each under a claim (so overlapping runs
   * publish it once), clearing it once published; returns those published. Stops at a failure (the
   * next run tries again once the claim has expired) and at a transition another publisher holds.
   */
  private async publishPending(state: BreakerState): Promise<BreakerTransition[]> {
    const events = this.deps.events;
    const published: BreakerTransition[] = [];
    if (!events || !state.pending?.length) return published;
    for (const pending of state.pending) {
      if (!(await this.claim(pending))) break;
      try {
        await events.publish(pending);
      } catch (error) {
        this.deps.counter.count('EventPublishFailure');
        this.deps.log.error('could not publish the breaker transition; the next probe run tries again', {
          eventId: pending.eventId,
          type: pending.type,
          error,
        });
        break;
      }
      published.push(pending);
      this.deps.counter.count('EventPublished');
      let cleared: boolean;
      try {
        cleared = await this.deps.store.clearPending(pending.eventId);
      } catch (error) {
        // Left in the item: published again once the claim expires, under the same eventId.
        this.storeFailed(error);
        break;
      }
      if (!cleared) break;
    }
    return published;
  }

  /** Claims the publication of `pending` for PUBLISH_LEASE_MS; false when another publisher has it, or the store failed. */
  private async claim(pending: BreakerTransition): Promise<boolean> {
    const now = this.deps.now();
    try {
      return await this.deps.store.claimPublication(
        pending.eventId,
        now.toISOString(),
        new Date(now.getTime() + PUBLISH_LEASE_MS).toISOString(),
      );
    } catch (error) {
      this.storeFailed(error);
      return false;
    }
  }

  private storeFailed(error: unknown): void {
    this.deps.counter.count('PayproBreakerStoreFailure');
    this.deps.log.error('the breaker item could not be read or written; sends go on as if it were closed', {
      error,
    });
  }
}
