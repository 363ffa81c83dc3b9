/** The work held for Paypro (HeldWork in openapi.json). */
export interface HeldWorkInput {
  payouts: number;
  amount: number;
  batches: number;
}

/** A reply of GET /admin/paypro-status (PayproStatus in openapi.json). */
export interface PayproStatusInput {
  availability: 'available' | 'unavailable' | 'resuming';
  since: string | null;
  failure: string | null;
  lastFailure: string | null;
  nextProbeAt: string | null;
  restoredAt: string | null;
  rampUntil: string | null;
  held: HeldWorkInput | null;
  readAt: string;
}

/** The fields of a batch (summary or details) the paused note reads. */
export interface BatchPausedInput {
  status: string;
  itemCount: number;
  counts?: Partial<Record<string, number>>;
  progress?: { counts?: Partial<Record<string, number>> };
}

/** Today's banner: a warning while unavailable, a calmer notice while resuming. */
export interface PayproBanner {
  kind: 'unavailable' | 'resuming';
  headline: string;
  lines: string[];
}

/** Said on Today when the stage has no GET /admin/paypro-status. */
export const STATUS_MISSING: string;

/** Said on Today when the route answered with a problem. */
export function statusUnreadable(detail: string): string;

/** The work held, in one line, after `lead` ("Held" unless given). */
export function heldLine(held: HeldWorkInput | null, lead?: string): string;

/** When the next probe is due, or since when it has been. */
export function probeLine(status: Pick<PayproStatusInput, 'nextProbeAt' | 'readAt'>): string;

/** Today's banner for a status; undefined while Paypro is available. */
export function payproBanner(status: PayproStatusInput): PayproBanner | undefined;

/** "paused: Paypro unavailable since …" for a batch with items to send while Paypro is unavailable; else ''. */
export function batchPaused(batch: BatchPausedInput, status: PayproStatusInput | undefined): string;

/** A reply of the console's server: its status and parsed body. */
export interface StatusReply {
  status: number;
  data?: unknown;
}

/** Reads the status afresh when asked, else at most once per `maxAgeMs`; undefined when unreadable. */
export function payproReader(
  read: () => Promise<StatusReply>,
  maxAgeMs: number,
  now?: () => number,
): (options?: { fresh?: boolean }) => Promise<PayproStatusInput | undefined>;
