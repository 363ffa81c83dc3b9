import { maskMobile } from '../shared/mask';

/** Where a payout stands. SUCCEEDED and FAILED are final. */
export type PayoutStatus = 'PENDING' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED';

export const PAYOUT_STATUSES: readonly PayoutStatus[] = ['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED'];

/** Which statuses a payout may move to each status from; finals have no way out. */
const ALLOWED_SOURCES: Record<PayoutStatus, readonly PayoutStatus[]> = {
  PENDING: [],
  PROCESSING: ['PENDING'],
  SUCCEEDED: ['PENDING', 'PROCESSING'],
  FAILED: ['PENDING', 'PROCESSING'],
};

/** The statuses from which a payout may move to `to` (the condition of the conditional write). */
export function allowedSources(to: PayoutStatus): readonly PayoutStatus[] {
  return ALLOWED_SOURCES[to];
}

/** True when the state machine allows `from` → `to`. */
export function canTransition(from: PayoutStatus, to: PayoutStatus): boolean {
  return ALLOWED_SOURCES[to].includes(from);
}

/** True for SUCCEEDED and FAILED, which nothing may change. */
export function isFinal(status: PayoutStatus): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED';
}

/** Who told us what is recorded in a history entry. */
export type HistorySource = 'api' | 'paypro-payout' | 'callback' | 'query' | 'reconciler' | 'operator';

/** One line of a payout's history: when, from where, and what Paypro said. */
export interface HistoryEntry {
  at: string;
  source: HistorySource;
  status?: PayoutStatus;
  code?: string;
  message?: string;
  note?: string;
  /** The callback body as received, cut to RAW_BODY_MAX_CHARS. */
  raw?: string;
  /** Who resolved the payout by hand (source `operator`): their IAM principal ARN, or `local`. */
  operator?: string;
  /** Why the operator resolved it, in their words. */
  reason?: string;
}

/** How much of a callback body a history entry keeps. */
export const RAW_BODY_MAX_CHARS = 1024;

/** Paypro's side of a payout, recorded verbatim. */
export interface PayproDetails {
  serialNumber?: string;
  platFormTradeNo?: string;
  code?: string;
  message?: string;
  successTime?: string;
}

/** What the transport proved when a send failed (lib/paypro/transport.ts), and when. */
export interface SendFailure {
  /** `not-taken-in`: Paypro cannot have acted on it; `ambiguous`: it may have. */
  class: 'not-taken-in' | 'ambiguous';
  /** One line: what failed (no body, no secret). */
  detail: string;
  at: string;
}

/** A payout as stored. */
export interface Payout {
  tradeNo: string;
  amount: number;
  mobile: string;
  remark?: string;
  status: PayoutStatus;
  requestHash: string;
  /** Set just before the one payout call to Paypro; its absence proves nothing was sent. */
  sentAt?: string;
  /** Who set `sentAt` (a random id per attempt), so a writer whose reply was lost can tell it won. */
  sendClaim?: string;
  paypro?: PayproDetails;
  /**
   * What the transport proved when its latest send failed (lib/paypro/transport.ts): `not-taken-in`
   * may be sent again by the reconciler, `ambiguous` only by an operator (docs/payouts.md).
   */
  sendFailure?: SendFailure;
  /** How many times it was sent again with the same tradeNo after a failed send (at most MAX_RESENDS). */
  resends?: number;
  /**
   * When Paypro's query first said it does not know this payout since its latest send: the first of
   * the two answers, RESEND_AFTER_S apart, that the resend rule needs. Cleared by a send again, or
   * by an answer that knows it.
   */
  unknownSince?: string;
  /** Set once when the payout was still open after the flag age: a human must look. */
  flaggedAt?: string;
  /** The batch it belongs to (POST /payout-batches), if any: at most one, set once. */
  batchId?: string;
  /** When a batch listing it adopted it (it was created alone before); absent when the batch created it. */
  adoptedAt?: string;
  /**
   * The Kenya day (`YYYY-MM-DD`) whose caps this payout's amount and count were reserved
   * against; absent when nothing was reserved (payouts recorded before caps existed).
   */
  capDay?: string;
  /** The version of its last event (absent: none yet); each event-producing write moves it by one, conditionally. */
  version?: number;
  createdAt: string;
  updatedAt: string;
  history: HistoryEntry[];
}

/** What a new payout is made of. */
export interface NewPayout {
  /** What it pays: the request's or the batch line's fields. */
  request: { tradeNo: string; amount: number; mobile: string; remark?: string };
  requestHash: string;
  /** The Kenya day its share of the caps was reserved on. */
  capDay: string;
  /** The batch it is recorded for, if any. */
  batchId?: string;
  /** Its creation instant (a batch item's: the batch's, so its Kenya day is the day its share was reserved on). */
  createdAt: string;
  /** When it was recorded: its `updatedAt` and its first history entry's time. */
  recordedAt: string;
  /** Its first history entry's note. */
  note: string;
}

/** A new payout, PENDING and never sent: the one place a payout is born, alone or in a batch. */
export function pendingPayout(fields: NewPayout): Payout {
  const { request, recordedAt } = fields;
  return {
    tradeNo: request.tradeNo,
    amount: request.amount,
    mobile: request.mobile,
    ...(request.remark !== undefined && { remark: request.remark }),
    ...(fields.batchId !== undefined && { batchId: fields.batchId }),
    capDay: fields.capDay,
    status: 'PENDING',
    requestHash: fields.requestHash,
    paypro: {},
    createdAt: fields.createdAt,
    updatedAt: recordedAt,
    history: [{ at: recordedAt, source: 'api', status: 'PENDING', note: fields.note }],
  };
}

/** What the API shows of a payout: the mobile masked, internals left out. */
export interface PayoutView {
  tradeNo: string;
  status: PayoutStatus;
  amount: number;
  mobile: string;
  remark?: string;
  batchId?: string;
  paypro: PayproDetails;
  createdAt: string;
  updatedAt: string;
  history: HistoryEntry[];
}

/** The API's view of a stored payout. */
export function toView(payout: Payout): PayoutView {
  return {
    tradeNo: payout.tradeNo,
    status: payout.status,
    amount: payout.amount,
    mobile: maskMobile(payout.mobile),
    ...(payout.remark !== undefined && { remark: payout.remark }),
    ...(payout.batchId !== undefined && { batchId: payout.batchId }),
    paypro: payout.paypro ?? {},
    createdAt: payout.createdAt,
    updatedAt: payout.updatedAt,
    history: payout.history,
  };
}
