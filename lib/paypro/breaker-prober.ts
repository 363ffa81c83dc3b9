import {
  type Admission,
  admits,
  afterProbe,
  type BreakerState,
  type BreakerTransition,
  claimProbe,
  INITIAL_BREAKER,
  probeDue,
} from './breaker';
import type { BreakerEvents } from './breaker-gate';
import { SharedBreaker, type SharedBreakerDeps } from './breaker-service';
import type { TransportFailure } from './transport';

/*
 * The breaker as the prober (paypro-breaker) holds it: SharedBreaker plus the probe and the
 * publication of transitions on the bus. Apart from breaker-service.ts so that the senders'
 * bundles (create-payout, send-batch-items, reconcile, the operator's resend) carry neither.
 */

/** What the probing breaker needs besides the shared breaker's. */
export interface ProbingBreakerDeps extends SharedBreakerDeps {
  /** Where transitions are announced: the stage's bus, with how much work is held. */
  events?: BreakerEvents;
  /**
   * A call that moves no money (the payout query of a tradeNo): resolves when Paypro answered at
   * all, refusals included; throws PayproUnknownOutcomeError when it did not.
   */
  probe?: () => Promise<void>;
}

/** What a probe run did. */
export type ProbeOutcome = 'closed' | 'still-open' | 'not-due' | 'not-open';

/** A probe run: what it did, and the transitions it published (left-over ones and its own Restored). */
export interface ProbeRun {
  outcome: ProbeOutcome;
  published: BreakerTransition[];
}

/**
 * How long a publisher holds the publication of a transition it claimed: enough to read the held
 * work and put the event on the bus; a publisher that dies meanwhile leaves it to the next run.
 */
export const PUBLISH_LEASE_MS = 30_000;

/** The shared breaker with a probe and the bus: the prober's, which ends an outage and announces it. */
export class ProbingBreaker extends SharedBreaker {
  constructor(private readonly prober: ProbingBreakerDeps) {
    super(prober);
  }

  /** As a sender's, but an open breaker whose probe is due is probed first. */
  override async admit(): Promise<Admission> {
    const state = await this.current();
    if (state !== undefined && this.prober.probe && state.status === 'open') {
      if (probeDue(state, this.deps.now(), this.deps.settings) && (await this.probe()).outcome === 'closed') {
        return this.admitFresh();
      }
    }
    return super.admit();
  }

  /**
   * Probes Paypro when the breaker is open and a probe is due, one caller at a time (the claim is a
   * conditional write): closes the breaker when Paypro answers. Publishes left-over transitions
   * first. Only the prober (paypro-breaker, every minute) has a probe, so an outage with nothing
   * queued still ends.
   */
  async probe(): Promise<ProbeRun> {
    const call = this.prober.probe;
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

  private async admitFresh(): Promise<Admission> {
    const state = this.cached?.state ?? INITIAL_BREAKER;
    return admits(state, this.deps.now(), this.deps.settings, this.deps.random);
  }

  /**
   * Publishes the item's unpublished transitions in order, each under a claim (so overlapping runs
   * publish it once), clearing it once published; returns those published. Stops at a failure (the
   * next run tries again once the claim has expired) and at a transition another publisher holds.
   */
  protected override async publishPending(state: BreakerState): Promise<BreakerTransition[]> {
    const events = this.prober.events;
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
}
