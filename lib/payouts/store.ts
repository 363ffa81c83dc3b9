import type { EventOutbox } from '../shared/outbox';
import type { PageCursor } from '../shared/page-cursor';
import type { PayoutEvent } from './events';
import type { HistoryEntry, Payout, PayoutStatus, PayproDetails, SendFailure } from './payout';

/*
 * The payouts table as the use cases see it (ports). The rules live in the use cases; an
 * implementation only stores, and turns a refused condition into the domain error each method
 * names, so a use case never sees a storage SDK. The DynamoDB one is PayoutRepository; the
 * in-memory one (test/support/fakes) is held to the same contract by a shared test.
 */

/** A status change with what Paypro said, and its event, applied as one conditional write. */
export interface Transition {
  to: PayoutStatus;
  at: string;
  paypro?: PayproDetails;
  entry: HistoryEntry;
  event: PayoutEvent;
  /** Only if the payout was never handed to Paypro (no `sentAt`): what an operator's FAILED may rest on. */
  unsentOnly?: boolean;
}

/** An open payout as the due index shows it: enough to claim it for a check. */
export interface DueRef {
  tradeNo: string;
  checkAfter: string;
  createdAt: string;
}

/** Due payouts, and the cursor that reads on (absent once none is left to read). */
export interface DuePage {
  refs: DueRef[];
  cursor?: PageCursor;
}

/** How many open payouts are due, and the due time of the most overdue. */
export interface DueCount {
  count: number;
  oldestCheckAfter?: string;
}

/** Reading one payout: all that get-payout and the operator's read need. */
export interface PayoutReader {
  /** The payout as stored now (strongly consistent), or undefined when there is none. */
  get(tradeNo: string): Promise<Payout | undefined>;
}

/** What create, send, settle and reconcile need of the payouts table. */
export interface PayoutStore extends PayoutReader {
  /** Writes a new payout, due for a check at `checkAfter` unless final; PayoutExistsError when its tradeNo is taken. */
  create(payout: Payout, checkAfter: string): Promise<void>;
  /** Sets `sentAt` and `sendClaim` on a PENDING payout never sent; StaleStateError otherwise (or when missing). */
  markSent(tradeNo: string, at: string, claim: string): Promise<void>;
  /**
   * Applies `change` if the payout's status is one of `allowedSources(change.to)` and its version
   * is the one the event was built on (and, with `unsentOnly`, it was never sent): the payout
   * after it, its event in the outbox and, when final, out of the due index. StaleStateError when refused.
   */
  transition(tradeNo: string, change: Transition): Promise<Payout>;
  /**
   * Appends `entry` to the history if it holds fewer than `maxEntries` (default 50); with `event`,
   * commits it in the same write under its version condition. StaleStateError when refused.
   */
  appendHistory(
    tradeNo: string,
    entry: HistoryEntry,
    at: string,
    maxEntries?: number,
    event?: PayoutEvent,
  ): Promise<void>;
  /**
   * Records why a send failed: sets `sendFailure`, appends `entry` and makes the payout due for the
   * reconciler at once (its next check at `failure.at`), in one write, on a payout
   * still PENDING that was sent (`sentAt`) and whose history holds fewer than `maxEntries` (default
   * 50). StaleStateError when refused (a callback or the reconciler moved it on first, say).
   */
  recordSendFailure(
    tradeNo: string,
    failure: SendFailure,
    entry: HistoryEntry,
    maxEntries?: number,
  ): Promise<void>;
  /** Sets `flaggedAt` on an open payout not yet flagged, with `entry` and its event; false when refused. */
  flag(tradeNo: string, entry: HistoryEntry, event: PayoutEvent): Promise<boolean>;
}

/** What releasing a sent payout for one more send with the same tradeNo rests on (ResendStore.release). */
export interface ResendRelease {
  /** The `sentAt` it was read with: the release holds only while nobody sent or released it since. */
  sentAt: string;
  /** The reconciler's: the first "unknown" answer its decision rests on; absent for an operator's. */
  unknownSince?: string;
  /** The reconciler's: released only while `resends` is below this (MAX_RESENDS); absent for an operator's. */
  maxResends?: number;
  at: string;
  /** Why, in the history: who (the reconciler, or an operator with their reason) and on what. */
  entry: HistoryEntry;
  /** When the reconciler looks at it next. */
  checkAfter: string;
}

/**
 * The resend rule's writes on the payouts table (docs/payouts.md, "When Paypro fails"), apart from
 * PayoutStore so that only the reconciler and the operator's resend carry them. Each is one
 * conditional write on an open payout that is still the one sent at `sentAt`.
 */
export interface ResendStore {
  /**
   * Records `at` as the first time Paypro's query did not know the payout sent at `sentAt`, and
   * moves its next check to `checkAfter`; false when refused (sent again, closed, or already recorded).
   */
  markUnknown(tradeNo: string, sentAt: string, at: string, checkAfter: string): Promise<boolean>;
  /** Forgets `unknownSince` if it is still `since` (Paypro knows the payout after all); false when refused. */
  clearUnknown(tradeNo: string, since: string): Promise<boolean>;
  /** Moves the next check of the open payout sent at `sentAt` to `checkAfter`; false when refused. */
  recheckAt(tradeNo: string, sentAt: string, checkAfter: string): Promise<boolean>;
  /**
   * Releases a PENDING payout still sent at `release.sentAt` (and, for the reconciler, still unknown
   * since `release.unknownSince` and resent fewer than `release.maxResends` times) for one more send:
   * removes sentAt, sendClaim, sendFailure and unknownSince, counts one more `resends`, appends the
   * entry and moves its next check, in one write. The payout after it, or undefined when refused.
   */
  release(tradeNo: string, release: ResendRelease): Promise<Payout | undefined>;
}

/**
 * What the reconciler (and the money in flight) need beyond PayoutStore: the due index's reads
 * and claims. Apart, so a function that only writes payouts does not carry them. However the
 * index is spread (keys.ts shards it), a use case sees one list and an opaque cursor.
 */
export interface DueIndex {
  /**
   * Up to `limit` of the open payouts whose `checkAfter` is at or before `now`, from where `cursor`
   * left off: every one once, the most overdue of each part of the index first, no part of the
   * index waiting behind another. Fewer can come with a cursor: read on while there is one.
   */
  listDue(now: string, limit: number, cursor?: PageCursor): Promise<DuePage>;
  /** How many open payouts are due at `now`, and the oldest `checkAfter`. */
  countDue(now: string): Promise<DueCount>;
  /** The tradeNo of every open payout (PENDING or PROCESSING, due or not), keys only. */
  listOpen(): Promise<string[]>;
  /**
   * Moves an open payout's `checkAfter` from `ref.checkAfter` to `nextCheckAfter`: the payout, or
   * undefined when it is closed or its `checkAfter` moved (claimed by another run).
   */
  claimCheck(ref: DueRef, nextCheckAfter: string): Promise<Payout | undefined>;
}

/** What the payout event publisher needs: the payouts' outboxes, and the sweep's list of those waiting. */
export interface PayoutOutbox extends EventOutbox<PayoutEvent> {
  /**
   * Up to `limit` tradeNos of payouts whose events have waited since `before` or earlier, from
   * where `cursor` left off; fewer can come with a cursor: read on while there is one.
   */
  listOutbox(
    before: string,
    limit: number,
    cursor?: PageCursor,
  ): Promise<{ tradeNos: string[]; cursor?: PageCursor }>;
}
