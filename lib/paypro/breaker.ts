/*
 * The breaker in front of every Paypro money call, as a pure state machine: what one item in
 * DynamoDB holds, and how a failure, a success, a probe and the clock move it. Every move makes
 * the next version of the item, written conditionally on the current one, so all functions and
 * containers share one breaker and a transition happens (and is announced) once.
 *
 *   closed ──PAYPRO_BREAKER_FAILURES unavailability failures within PAYPRO_BREAKER_WINDOW_S──► open
 *   open ──a probe (a call that moves no money) at most every PAYPRO_PROBE_S succeeds──► closed
 *   closed, within PAYPRO_RAMP_S of closing: only a growing share of sends is admitted (the ramp)
 *
 * "Half-open" is not a stored status: it is an open breaker whose probe is due, and the probe is
 * claimed by a conditional write of `probeAt`, so one caller at a time probes.
 */

/** The breaker's settings (docs/configuration.md). */
export interface BreakerSettings {
  /** PAYPRO_BREAKER_FAILURES: this many unavailability failures within the window open it. */
  failures: number;
  /** PAYPRO_BREAKER_WINDOW_S, in ms. */
  windowMs: number;
  /** PAYPRO_PROBE_S, in ms: at most one probe this often while open. */
  probeMs: number;
  /** PAYPRO_RAMP_S, in ms: after closing, the share of sends admitted grows from RAMP_FLOOR to all over this time. */
  rampMs: number;
}

/** The share of sends admitted just after the breaker closes. */
export const RAMP_FLOOR = 0.1;

/** `closed`: money calls go out; `open`: none does, and a probe is tried every PAYPRO_PROBE_S. */
export type BreakerStatus = 'closed' | 'open';

/** The two transitions, as their events' detail-types. */
export type BreakerEventType = 'Paypro Unavailable' | 'Paypro Restored';

/** A transition, kept in the breaker's item until it is published (the outbox). */
export interface BreakerTransition {
  /** `paypro:<version>`: the version of the write that made the transition; consumers dedupe on it. */
  eventId: string;
  type: BreakerEventType;
  occurredAt: string;
  /** When Paypro became unavailable (the outage's opening). */
  since: string;
  /** The failure that opened the breaker (Unavailable) or the last one seen while open (Restored). */
  failure: string;
  /** Restored only: when it closed. */
  restoredAt?: string;
}

/** Who is publishing the oldest unpublished transition, until when (a lease): one publisher at a time. */
export interface PublicationClaim {
  eventId: string;
  until: string;
}

/** The breaker's one item. */
export interface BreakerState {
  /** One more for every write; 0 before the first. Every write is conditional on it. */
  version: number;
  status: BreakerStatus;
  /** Closed: the times (ISO) of the latest unavailability failures, at most `failures` of them. */
  recentFailures: string[];
  /** Open: when it opened. Closed: when the last outage began, if there was one. */
  openedAt?: string;
  /** The failure that opened it. */
  openedBy?: string;
  /** The latest failure seen while open, probes' included. */
  lastFailure?: string;
  /** Open: when the latest probe was claimed (the opening counts as one, so the first waits PAYPRO_PROBE_S). */
  probeAt?: string;
  /** When it last closed: the ramp starts here. */
  closedAt?: string;
  /** The transitions not yet published, oldest first (the outbox; at most MAX_PENDING). */
  pending?: BreakerTransition[];
  /** The oldest transition's publication, claimed by a publisher until it clears it or the claim expires. */
  publishing?: PublicationClaim;
}

/** The most unpublished transitions the item keeps; older ones are dropped (their outage is long over). */
export const MAX_PENDING = 4;

/** The outbox with `transition` added at its end. */
function withPending(state: BreakerState, transition: BreakerTransition): BreakerTransition[] {
  return [...(state.pending ?? []), transition].slice(-MAX_PENDING);
}

/** The state of a breaker never written: closed, no failures. */
export const INITIAL_BREAKER: BreakerState = { version: 0, status: 'closed', recentFailures: [] };

/** Whether a money call may go out now. */
export type Admission =
  | { ok: true }
  | {
      ok: false;
      /** `open`: Paypro is unavailable; `ramp`: it just came back and this send waits its turn. */
      reason: 'open' | 'ramp';
      /** Open: since when Paypro is unavailable; ramp: when it came back. */
      since: string;
    };

/** The event id of the transition made by the write of `version`. */
export function breakerEventId(version: number): string {
  return `paypro:${version}`;
}

/**
 * The state after a failure that says Paypro is unavailable, at `at`; undefined when nothing needs
 * writing (already open). Opens the breaker, with its Unavailable event, at the threshold.
 */
export function afterFailure(
  state: BreakerState,
  at: Date,
  failure: string,
  settings: BreakerSettings,
): BreakerState | undefined {
  if (state.status === 'open') return undefined;
  const from = at.getTime() - settings.windowMs;
  const recent = [...state.recentFailures.filter((t) => Date.parse(t) > from), at.toISOString()].slice(
    -settings.failures,
  );
  const version = state.version + 1;
  if (recent.length < settings.failures) return { ...state, version, recentFailures: recent };
  const openedAt = at.toISOString();
  return {
    version,
    status: 'open',
    recentFailures: [],
    openedAt,
    openedBy: failure,
    lastFailure: failure,
    probeAt: openedAt,
    ...(state.closedAt !== undefined && { closedAt: state.closedAt }),
    ...(state.publishing !== undefined && { publishing: state.publishing }),
    pending: withPending(state, {
      eventId: breakerEventId(version),
      type: 'Paypro Unavailable',
      occurredAt: openedAt,
      since: openedAt,
      failure,
    }),
  };
}

/** The state after a call Paypro answered; undefined when nothing needs writing (the usual case). */
export function afterSuccess(state: BreakerState): BreakerState | undefined {
  if (state.status !== 'closed' || state.recentFailures.length === 0) return undefined;
  return { ...state, version: state.version + 1, recentFailures: [] };
}

/** True when the breaker is open and its next probe is due at `now`. */
export function probeDue(state: BreakerState, now: Date, settings: BreakerSettings): boolean {
  if (state.status !== 'open') return false;
  return state.probeAt === undefined || now.getTime() - Date.parse(state.probeAt) >= settings.probeMs;
}

/** The state that claims the probe due at `now` (written conditionally: one prober at a time). */
export function claimProbe(state: BreakerState, now: Date): BreakerState {
  return { ...state, version: state.version + 1, probeAt: now.toISOString() };
}

/**
 * The state after a probe: closed, with its Restored event, when it succeeded; still open, noting
 * the failure, when it did not (undefined: nothing to write, the claim already moved `probeAt`).
 */
export function afterProbe(
  state: BreakerState,
  at: Date,
  outcome: { ok: true } | { ok: false; failure: string },
): BreakerState | undefined {
  if (state.status !== 'open') return undefined;
  if (!outcome.ok) {
    return state.lastFailure === outcome.failure
      ? undefined
      : { ...state, version: state.version + 1, lastFailure: outcome.failure };
  }
  const version = state.version + 1;
  const restoredAt = at.toISOString();
  const since = state.openedAt ?? restoredAt;
  return {
    version,
    status: 'closed',
    recentFailures: [],
    openedAt: since,
    ...(state.openedBy !== undefined && { openedBy: state.openedBy }),
    ...(state.lastFailure !== undefined && { lastFailure: state.lastFailure }),
    closedAt: restoredAt,
    ...(state.publishing !== undefined && { publishing: state.publishing }),
    pending: withPending(state, {
      eventId: breakerEventId(version),
      type: 'Paypro Restored',
      occurredAt: restoredAt,
      since,
      failure: state.lastFailure ?? state.openedBy ?? 'unknown',
      restoredAt,
    }),
  };
}

/**
 * Whether a money call may go out at `now`. Closed within PAYPRO_RAMP_S of closing, a send is
 * admitted with a probability growing from RAMP_FLOOR to 1, so held work comes back at a ramp
 * without any shared counter; `random` is Math.random unless a test fixes it.
 */
export function admits(
  state: BreakerState,
  now: Date,
  settings: BreakerSettings,
  random: () => number = Math.random,
): Admission {
  if (state.status === 'open')
    return { ok: false, reason: 'open', since: state.openedAt ?? now.toISOString() };
  if (state.closedAt === undefined || settings.rampMs <= 0) return { ok: true };
  const elapsed = now.getTime() - Date.parse(state.closedAt);
  if (elapsed >= settings.rampMs || elapsed < 0) return { ok: true };
  const share = Math.max(RAMP_FLOOR, elapsed / settings.rampMs);
  return random() < share ? { ok: true } : { ok: false, reason: 'ramp', since: state.closedAt };
}
