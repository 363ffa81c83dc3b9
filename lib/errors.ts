import { type TransportFailure, unreadableAnswer } from './paypro/transport';

/**
 * The one error hierarchy of the service. Domain code throws these; `lib/handlers/http.ts`
 * alone decides which HTTP status each becomes.
 */
export class PayoutServiceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem with one field of a request. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** At most this many problems travel in an error, its reply and its log line; a count says how many there were. */
export const MAX_PROBLEMS = 100;
// Field names can carry a caller's own keys, of any length: each problem stays short.
const MAX_FIELD_CHARS = 120;
const MAX_MESSAGE_CHARS = 240;
// The detail names the first few; the list carries up to MAX_PROBLEMS.
const DETAIL_PROBLEMS = 10;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The first MAX_PROBLEMS problems, each cut to a bounded length, and how many there were in all. */
export function boundProblems(problems: readonly FieldProblem[]): {
  problems: FieldProblem[];
  problemCount: number;
} {
  return {
    problems: problems.slice(0, MAX_PROBLEMS).map((p) => ({
      field: clip(p.field, MAX_FIELD_CHARS),
      message: clip(p.message, MAX_MESSAGE_CHARS),
    })),
    problemCount: problems.length,
  };
}

/** One line naming the first problems, and how many there are when there are more. */
function describeProblems(problems: readonly FieldProblem[], problemCount: number): string {
  const named = problems
    .slice(0, DETAIL_PROBLEMS)
    .map((p) => `${p.field}: ${p.message}`)
    .join('; ');
  return problemCount > DETAIL_PROBLEMS ? `${named}; … ${problemCount} problems in all` : named;
}

/** The request is malformed; lists its problems (the first MAX_PROBLEMS) with the field each concerns. */
export class ValidationError extends PayoutServiceError {
  /** The first MAX_PROBLEMS problems, each bounded in length. */
  readonly problems: FieldProblem[];
  /** How many problems the request had in all. */
  readonly problemCount: number;

  constructor(problems: readonly FieldProblem[]) {
    const bounded = boundProblems(problems);
    super(describeProblems(bounded.problems, bounded.problemCount));
    this.problems = bounded.problems;
    this.problemCount = bounded.problemCount;
  }
}

/** No payout has this tradeNo. */
export class PayoutNotFoundError extends PayoutServiceError {
  constructor(readonly tradeNo: string) {
    super(`No payout with tradeNo ${tradeNo}.`);
  }
}

/** The tradeNo is already taken by a payout with a different request. */
export class PayoutConflictError extends PayoutServiceError {
  constructor(readonly tradeNo: string) {
    super(
      `tradeNo ${tradeNo} is already used by a payout with a different amount, mobile or remark; ` +
        'use a new tradeNo for a new payout.',
    );
  }
}

/** The repository refused to create a record because the key exists (internal to the domain). */
export class PayoutExistsError extends PayoutServiceError {
  constructor(
    readonly tradeNo: string,
    options?: { cause?: unknown },
  ) {
    super(`A payout with tradeNo ${tradeNo} already exists.`, options);
  }
}

/** A conditional write found the record in a state that does not allow the change. */
export class StaleStateError extends PayoutServiceError {
  constructor(
    readonly tradeNo: string,
    what: string,
    options?: { cause?: unknown },
  ) {
    super(`Payout ${tradeNo}: ${what} refused by the record's current state.`, options);
  }
}

/** The payout store could not be read or written (throttling, outage, network). */
export class StoreUnavailableError extends PayoutServiceError {
  /** The payout concerned, when the caller should retry with it. */
  tradeNo?: string;
  constructor(message: string, options?: { cause?: unknown; tradeNo?: string }) {
    super(message, options);
    if (options?.tradeNo) this.tradeNo = options.tradeNo;
  }
}

/** Paypro may or may not have acted on the request: timeout, reset, 5xx or unreadable answer. */
export class PayproUnknownOutcomeError extends PayoutServiceError {
  /** What the transport proves; unless said, an unreadable answer (ambiguous, not an outage). */
  readonly failure: TransportFailure;
  constructor(message: string, options?: { cause?: unknown; failure?: TransportFailure }) {
    super(message, options);
    this.failure = options?.failure ?? unreadableAnswer(message);
  }
}

/** Paypro's balance could not be read: no answer, a refusal, or figures that are not amounts. */
export class FloatUnreadableError extends PayoutServiceError {}

/** The Paypro secret could not be fetched or does not have the expected shape. */
export class SecretUnavailableError extends PayoutServiceError {}

/** The environment is missing or has an invalid setting. */
export class ConfigError extends PayoutServiceError {}

/** A callback's path token does not match its tradeNo: not from a notifyUrl we gave out. */
export class CallbackTokenError extends PayoutServiceError {
  constructor() {
    super('The callback token is not valid for this tradeNo.');
  }
}

/** A report about a payout names an amount other than the one recorded. */
export class AmountMismatchError extends PayoutServiceError {
  constructor(
    readonly tradeNo: string,
    readonly recorded: number,
    readonly reported: string,
  ) {
    super(`The amount does not match payout ${tradeNo}; nothing was applied.`);
  }
}

/** Paypro could not be asked (a payout's query, or `about` another question); try again later. */
export class PayproUnavailableError extends PayoutServiceError {
  constructor(
    message: string,
    options?: { cause?: unknown },
    readonly about = 'this payout',
  ) {
    super(message, options);
  }
}

/** Paypro refused an M-Pesa receipt query: it knows no such code (the message quotes its refusal). */
export class ReceiptNotFoundError extends PayoutServiceError {}

/** A webhook signing secret is not `whsec_` followed by the base64 of 24 to 64 bytes. */
export class InvalidWebhookSecretError extends PayoutServiceError {
  constructor() {
    super('A webhook secret must be whsec_ followed by the base64 of 24 to 64 random bytes.');
  }
}

/** The webhooks queue or its dead-letter queue could not be written (throttling, outage, network). */
export class QueueUnavailableError extends PayoutServiceError {}

/** The event bus did not take every event; they stay in the outbox and are published again. */
export class EventBusUnavailableError extends PayoutServiceError {}

/** A batchId already names a batch with other items; a new batch needs a new batchId. */
export class BatchConflictError extends PayoutServiceError {
  constructor(readonly batchId: string) {
    super(
      `batchId ${batchId} is already used by a batch with other items; use a new batchId for a new batch.`,
    );
  }
}

/** An operator asked for something a batch's status does not allow (approve one not awaiting approval…). */
export class BatchStateError extends PayoutServiceError {
  constructor(
    readonly batchId: string,
    readonly status: string,
    what: string,
  ) {
    super(`Batch ${batchId} is ${status}: ${what}.`);
  }
}

/** No batch has this batchId. */
export class BatchNotFoundError extends PayoutServiceError {
  constructor(readonly batchId: string) {
    super(`No batch with batchId ${batchId}.`);
  }
}

/** Which cap a payout would exceed: the day's total amount or count, or one recipient's. */
export type CapName = 'dailyAmount' | 'dailyCount' | 'recipientDailyAmount' | 'recipientDailyCount';

/** A payout (or a batch) would take a daily cap past its limit; nothing was recorded or sent. */
export class CapExceededError extends PayoutServiceError {
  /** For a batch: the items concerned, as `items[i].mobile` problems (the first MAX_PROBLEMS). */
  readonly problems: FieldProblem[];
  /** How many items in all the refusal concerns (0 for a single payout). */
  readonly problemCount: number;

  constructor(
    readonly cap: CapName,
    readonly limit: number,
    readonly remaining: number,
    /** The Kenya day (`YYYY-MM-DD`) the cap counts. */
    readonly day: string,
    problems: readonly FieldProblem[] = [],
  ) {
    const unit = cap.endsWith('Amount') ? ' KES' : '';
    super(
      `The payout would exceed the ${CAP_LABELS[cap]} cap for ${day} (Kenya time): ` +
        `limit ${limit}${unit}, ${remaining}${unit} left.`,
    );
    const bounded = boundProblems(problems);
    this.problems = bounded.problems;
    this.problemCount = bounded.problemCount;
  }
}

const CAP_LABELS: Record<CapName, string> = {
  dailyAmount: 'daily amount',
  dailyCount: 'daily count',
  recipientDailyAmount: "recipient's daily amount",
  recipientDailyCount: "recipient's daily count",
};

/** An operator tried to resolve a payout that is already SUCCEEDED or FAILED. */
export class PayoutNotOpenError extends PayoutServiceError {
  constructor(
    readonly tradeNo: string,
    readonly status: string,
  ) {
    super(`Payout ${tradeNo} is already ${status}; only a PENDING or PROCESSING payout can be resolved.`);
  }
}

/** Paypro's own answer contradicts the resolution an operator asked for; `force` overrides. */
export class ResolutionContradictedError extends PayoutServiceError {
  constructor(
    readonly tradeNo: string,
    readonly requested: string,
    /** What Paypro's query said, in words (for the reply and the operator). */
    readonly paypro: string,
  ) {
    super(
      `Paypro's query contradicts resolving payout ${tradeNo} as ${requested}: ${paypro}. ` +
        'Send "force": true to resolve it anyway.',
    );
  }
}

/** The payout was sent to Paypro while an operator's resolution was being written; refused even when forced. */
export class ResolutionOvertakenError extends PayoutServiceError {
  constructor(
    readonly tradeNo: string,
    readonly sentAt: string,
  ) {
    super(
      `Payout ${tradeNo} was sent to Paypro at ${sentAt}, while this resolution was being written: ` +
        'what it was decided on no longer holds. Look at the payout again, then ask again.',
    );
  }
}

/** An operator's resend refused, nothing sent: the payout is not PENDING, Paypro knows it (`paypro`), or it changed meanwhile. */
export class ResendRefusedError extends PayoutServiceError {
  constructor(
    readonly tradeNo: string,
    readonly status: string,
    why: string,
    readonly paypro?: string,
  ) {
    super(`Payout ${tradeNo} was not sent again: ${why}.`);
  }
}

/** The caller is not allowed to use this route (no operator identity). */
export class ForbiddenError extends PayoutServiceError {
  constructor(message = 'Forbidden.') {
    super(message);
  }
}
