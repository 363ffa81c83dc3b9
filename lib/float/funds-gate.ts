/**
 * The one lease every batch's funds decision is taken under (port): two batches checked at the
 * same moment would otherwise both see the same float free and both go. Single-item conditional
 * writes only; it expires by itself, so a run that dies holding it stops nobody for long.
 */
export interface FundsGate {
  /** Takes the gate for `owner` until `until` if nobody holds it or it expired at `now`; false when another run holds it. */
  acquire(owner: string, until: string, now: string): Promise<boolean>;
  /** Gives the gate up if `owner` still holds it: at once, or at `holdUntil` when given. */
  release(owner: string, holdUntil?: string): Promise<void>;
}

/** How long a funds decision may hold the gate: a balance call (at most PAYPRO_TIMEOUT_MS) and the in-flight reads. */
export const FUNDS_GATE_MS = 60_000;

/**
 * How long the gate stays shut after a batch was let through: the batches' status index, which
 * the next decision reads the money in flight from, is eventually consistent, and must show the
 * batch just let through before another decision counts without it.
 */
export const FUNDS_GATE_SETTLE_MS = 2_000;
