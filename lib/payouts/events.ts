import { type Payout, type PayoutStatus, type PayoutView, toView } from './payout';

/** EventBridge `detail-type`s: one per status a payout can move to, and the two operator facts. */
export type PayoutEventType =
  | 'Payout Processing'
  | 'Payout Succeeded'
  | 'Payout Failed'
  | 'Payout Flagged'
  | 'Payout Anomaly';

const STATUS_EVENT: Record<Exclude<PayoutStatus, 'PENDING'>, PayoutEventType> = {
  PROCESSING: 'Payout Processing',
  SUCCEEDED: 'Payout Succeeded',
  FAILED: 'Payout Failed',
};

/** What Paypro said that contradicted the record, in an anomaly event. */
export interface AnomalyDetail {
  /** Who said it: callback, query, paypro-payout. */
  source: string;
  /** Paypro's status code, when it reported one. */
  reportedStatus?: string;
  /** Paypro's amount, when it differed from the record. */
  reportedAmount?: string;
  note: string;
}

/** An event's `detail`: the payout as `GET /payouts/{tradeNo}` shows it, without history, and the change. */
export interface PayoutEventDetail extends Omit<PayoutView, 'history'> {
  eventId: string;
  /** Per payout, 1 for its first event and one more for each later one: consumers order by it. */
  version: number;
  /** The status before this change (for Flagged and Anomaly: the status it stays in). */
  previousStatus: PayoutStatus;
  flaggedAt?: string;
  anomaly?: AnomalyDetail;
}

/** One event as the outbox keeps it until it is published. */
export interface PayoutEvent {
  eventId: string;
  type: PayoutEventType;
  version: number;
  occurredAt: string;
  detail: PayoutEventDetail;
}

/** The version a payout's next event gets: one more than its last (0 for payouts that had none). */
export function nextVersion(payout: Pick<Payout, 'version'>): number {
  return (payout.version ?? 0) + 1;
}

/** A stable id: the same change of the same payout always gets the same one (its version is fixed by a conditional write). */
export function eventIdOf(tradeNo: string, version: number): string {
  return `${tradeNo}:${version}`;
}

function build(type: PayoutEventType, before: Payout, after: Payout, at: string, extra = {}): PayoutEvent {
  const version = nextVersion(before);
  const eventId = eventIdOf(before.tradeNo, version);
  // The payout as GET shows it, without its history.
  const { history: _history, ...view } = toView(after);
  return {
    eventId,
    type,
    version,
    occurredAt: at,
    detail: {
      eventId,
      version,
      previousStatus: before.status,
      ...view,
      ...(after.flaggedAt !== undefined && { flaggedAt: after.flaggedAt }),
      ...extra,
    },
  };
}

/** The event of a status change, built from the payout as read and as it will be after the write. */
export function statusChanged(before: Payout, after: Payout, at: string): PayoutEvent {
  if (after.status === 'PENDING') throw new Error('no payout moves to PENDING');
  return build(STATUS_EVENT[after.status], before, after, at);
}

/** The event of a payout flagged for a human (open past the flag age). */
export function flagged(before: Payout, at: string): PayoutEvent {
  return build('Payout Flagged', before, { ...before, flaggedAt: at, updatedAt: at }, at);
}

/** The event of Paypro contradicting the record; nothing about the payout changed. */
export function anomaly(before: Payout, at: string, detail: AnomalyDetail): PayoutEvent {
  return build('Payout Anomaly', before, { ...before, updatedAt: at }, at, { anomaly: detail });
}
