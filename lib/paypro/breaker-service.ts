import type { Log } from '../shared/logger';
import type { Counter } from '../shared/metrics';
import {
  type Admission,
  admits,
  afterFailure,
  afterSuccess,
  type BreakerSettings,
  type BreakerState,
  type BreakerTransition,
} from './breaker';
import type { BreakerGate, BreakerStore } from './breaker-gate';
import type { TransportFailure } from './transport';

/** What the shared breaker needs. */
export interface SharedBreakerDeps {
  store: BreakerStore;
  settings: BreakerSettings;
  /** How long a read of the item serves `admit()` in this container (PAYPRO_BREAKER_CACHE_MS). */
  cacheMs: number;
  log: Log;
  counter: Counter;
  now: () => Date;
  random?: () => number;
}

/** A conditional write that went through: the state written, and the transitions it published. */
export interface Written {
  to: BreakerState;
  published: BreakerTransition[];
}

// A conditional write that lost to another writer is tried again on a fresh read, a few times.
const WRITE_ATTEMPTS = 3;

/**
 * The breaker every money call goes through, shared by all functions and containers through one
 * item (BreakerStore). Reads are cached for `cacheMs`; every change is a conditional write on a
 * fresh read. A store failure never stops a payout: the breaker then admits and counts
 * PayproBreakerStoreFailure, because sending as before the breaker existed is safe (sendOnce's
 * claim still guards every send), while refusing would strand payouts on a DynamoDB hiccup.
 */
export class SharedBreaker implements BreakerGate {
  protected cached: { state: BreakerState; until: number } | undefined;

  constructor(protected readonly deps: SharedBreakerDeps) {}

  async admit(): Promise<Admission> {
    const state = await this.current();
    if (state === undefined) return { ok: true };
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
  protected async current(): Promise<BreakerState | undefined> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.state;
    return this.read();
  }

  protected remember(state: BreakerState): BreakerState {
    this.cached = { state, until: Date.now() + this.deps.cacheMs };
    return state;
  }

  /**
   * Applies `next` to a fresh read and writes it conditionally, again on a lost race; announces and
   * publishes the transition it made. Undefined when nothing was written (or could be).
   */
  protected async change(
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
  protected async write(state: BreakerState, next: BreakerState): Promise<boolean> {
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

  /** Publishes the transitions a change left in the item; a sender publishes none (the prober does). */
  protected async publishPending(_state: BreakerState): Promise<BreakerTransition[]> {
    return [];
  }

  protected storeFailed(error: unknown): void {
    this.deps.counter.count('PayproBreakerStoreFailure');
    this.deps.log.error('the breaker item could not be read or written; sends go on as if it were closed', {
      error,
    });
  }
}
