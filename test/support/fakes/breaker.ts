import { PayproUnknownOutcomeError } from '../../../lib/errors';
import type { BreakerTransition } from '../../../lib/paypro/breaker';
import { type BreakerSettings, type BreakerState, INITIAL_BREAKER } from '../../../lib/paypro/breaker';
import type { BreakerEvents, BreakerStore } from '../../../lib/paypro/breaker-gate';
import { ProbingBreaker, type ProbingBreakerDeps } from '../../../lib/paypro/breaker-prober';
import type { TransportFailure } from '../../../lib/paypro/transport';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The breaker's item in memory, with BreakerRepository's conditions (the same assertions hold on
 * dynalite). `failNext` makes the next calls throw, as an unreachable table would.
 */
export class InMemoryBreakerStore implements BreakerStore {
  private state: BreakerState = copy(INITIAL_BREAKER);
  private failures = 0;

  /** The next `times` calls throw. */
  failNext(times = 1): this {
    this.failures += times;
    return this;
  }

  /** The item as stored, for assertions. */
  peek(): BreakerState {
    return copy(this.state);
  }

  private check(): void {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('the table is unreachable (fake)');
    }
  }

  async read(): Promise<BreakerState> {
    this.check();
    return copy(this.state);
  }

  async write(expectedVersion: number, next: BreakerState): Promise<boolean> {
    this.check();
    if (this.state.version !== expectedVersion) return false;
    this.state = copy(next);
    return true;
  }

  async claimPublication(eventId: string, now: string, until: string): Promise<boolean> {
    this.check();
    if (this.state.pending?.[0]?.eventId !== eventId) return false;
    if (this.state.publishing !== undefined && this.state.publishing.until > now) return false;
    this.state = { ...this.state, version: this.state.version + 1, publishing: { eventId, until } };
    return true;
  }

  async clearPending(eventId: string): Promise<boolean> {
    this.check();
    if (this.state.pending?.[0]?.eventId !== eventId) return false;
    const { publishing: _claim, ...rest } = this.state;
    this.state = { ...rest, version: this.state.version + 1, pending: this.state.pending.slice(1) };
    return true;
  }
}

/** Every transition published, in order; `failNext` makes the next publications throw, as a bus that is down. */
export class RecordingBreakerEvents implements BreakerEvents {
  readonly published: BreakerTransition[] = [];
  private failures = 0;

  /** The next `times` publications throw. */
  failNext(times = 1): this {
    this.failures += times;
    return this;
  }

  async publish(transition: BreakerTransition): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('the bus is unreachable (fake)');
    }
    this.published.push(copy(transition));
  }
}

/** Settings for tests: 5 failures within 30 s, a probe every 15 s, a 60 s ramp. */
export const TEST_BREAKER_SETTINGS: BreakerSettings = {
  failures: 5,
  windowMs: 30_000,
  probeMs: 15_000,
  rampMs: 60_000,
};

/**
 * A shared breaker on an in-memory item, uncached, with the test's clock: the senders' kind (no
 * probe, no events) unless `overrides` give them.
 */
export function inMemoryBreaker(
  deps: Pick<ProbingBreakerDeps, 'log' | 'counter' | 'now'> & Partial<ProbingBreakerDeps>,
): { breaker: ProbingBreaker; store: InMemoryBreakerStore } {
  const store = deps.store instanceof InMemoryBreakerStore ? deps.store : new InMemoryBreakerStore();
  const breaker = new ProbingBreaker({
    settings: TEST_BREAKER_SETTINGS,
    cacheMs: 0,
    ...deps,
    store,
  });
  return { breaker, store };
}

/** What Paypro's gateway says when Paypro is down: the failure a probe or a send sees. */
export const GATEWAY_503: TransportFailure = {
  class: 'not-taken-in',
  unavailable: true,
  rateLimited: false,
  detail: "HTTP 503 without Paypro's envelope",
};

/**
 * The probe's call as the prober makes it, with Paypro up (`up`, the default) or down: records
 * when each call was made, and throws as PayproClient does when Paypro does not answer.
 */
export class ScriptedProbe {
  up = true;
  failure: TransportFailure = GATEWAY_503;
  readonly calls: number[] = [];

  constructor(private readonly now: () => Date) {}

  readonly call = async (): Promise<void> => {
    this.calls.push(this.now().getTime());
    if (!this.up) {
      throw new PayproUnknownOutcomeError(`Paypro answered with ${this.failure.detail}.`, {
        failure: this.failure,
      });
    }
  };
}
