import type { BreakerSettings } from '../paypro/breaker';
import type { BreakerStore } from '../paypro/breaker-gate';
import type { HeldReader, HeldWork } from '../paypro/held';

/**
 * Paypro as the breaker sees it: `available` (money calls go out), `unavailable` (the breaker is
 * open: nothing is sent until a probe succeeds) or `resuming` (it closed less than PAYPRO_RAMP_S
 * ago: held payouts are going out again, at a ramp).
 */
export type PayproAvailability = 'available' | 'unavailable' | 'resuming';

/** GET /admin/paypro-status: what the console's Today shows about Paypro's availability. */
export interface PayproStatus {
  availability: PayproAvailability;
  /** Unavailable or resuming: when Paypro became unavailable (the outage's opening); null when available. */
  since: string | null;
  /** Unavailable or resuming: the failure that opened the breaker; null when available. */
  failure: string | null;
  /** Unavailable or resuming: the latest failure seen while it was open (probes' included); null when available. */
  lastFailure: string | null;
  /** Unavailable: when the next probe is due (paypro-breaker probes every PAYPRO_PROBE_S); null otherwise. */
  nextProbeAt: string | null;
  /** Resuming or available: when the last outage ended; null while unavailable or when none is known. */
  restoredAt: string | null;
  /** Resuming: when every send is let through again (restoredAt + PAYPRO_RAMP_S); null otherwise. */
  rampUntil: string | null;
  /** Unavailable or resuming: the work held for Paypro, read now; null when available (not read). */
  held: HeldWork | null;
  /** When the breaker's item was read. */
  readAt: string;
}

/** What GET /admin/paypro-status reads: the breaker's item, and the held work while it matters. */
export interface PayproStatusDeps {
  breaker: Pick<BreakerStore, 'read'>;
  held: HeldReader;
  settings: Pick<BreakerSettings, 'probeMs' | 'rampMs'>;
  now: () => Date;
}

const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/**
 * `GET /admin/paypro-status`: the breaker's item read now (strongly consistent; StoreUnavailableError
 * when it cannot be) and, only while Paypro is unavailable or held work is resuming, the work held
 * (the open payouts' index and their states: it grows with what waits, so it is not read otherwise).
 */
export async function readPayproStatus(deps: PayproStatusDeps): Promise<PayproStatus> {
  const state = await deps.breaker.read();
  const now = deps.now();
  const readAt = now.toISOString();
  const outage = {
    since: state.openedAt ?? null,
    failure: state.openedBy ?? null,
    lastFailure: state.lastFailure ?? state.openedBy ?? null,
  };
  if (state.status === 'open') {
    return {
      availability: 'unavailable',
      ...outage,
      nextProbeAt: state.probeAt === undefined ? null : plus(state.probeAt, deps.settings.probeMs),
      restoredAt: null,
      rampUntil: null,
      held: await deps.held.read(),
      readAt,
    };
  }
  const rampUntil = state.closedAt === undefined ? undefined : plus(state.closedAt, deps.settings.rampMs);
  if (rampUntil !== undefined && Date.parse(rampUntil) > now.getTime()) {
    return {
      availability: 'resuming',
      ...outage,
      nextProbeAt: null,
      restoredAt: state.closedAt ?? null,
      rampUntil,
      held: await deps.held.read(),
      readAt,
    };
  }
  return {
    availability: 'available',
    since: null,
    failure: null,
    lastFailure: null,
    nextProbeAt: null,
    restoredAt: state.closedAt ?? null,
    rampUntil: null,
    held: null,
    readAt,
  };
}
