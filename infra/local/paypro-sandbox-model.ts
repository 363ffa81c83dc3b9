/*
 * What the Paypro sandbox holds and answers: its options and scripted mobiles, its state, the
 * first-layer replies and faults, and the helpers every route shares (checks, result JSON, timers).
 */
import { type SaltPosition, type SignableFields, verifySign } from '../../lib/paypro/sign';
import { kenyaTime } from '../../lib/shared/kenya-time';

/**
 * Mobiles with a scripted outcome; any other valid mobile answers '0015', settles to '0000'
 * settleMs after it was received, and calls back once settled.
 */
export const SANDBOX_MOBILES = {
  succeeds: '254700000000', // answers data.status '0000' at once and calls back at once
  succeedsQuietly: '254700000001', // answers '0000' at once and never calls back: a payroll of these measures sending alone
  rejected: '254700000029', // answers '00029' REJECTED_TRANSACTION (request accepted: code '0000'), calls back at once
  staysProcessing: '254700000015', // answers '0015' and stays processing forever: never calls back
  slow: '254700000408', // records the payout, answers '0015' only after slowMs; settles like any other mobile
  neverCallsBack: '254700000404', // answers '0015', settles to '0000' after settleMs, never calls back
  callsBackTwice: '254700000202', // like the default, but delivers the final callback twice, then a stale '0015'
} as const;

/** Paypro's retry delays (2s, 5s, 10s, 30s, 1h, 3h, 3h, 3h) compressed for local use. */
export const DEFAULT_CALLBACK_SCHEDULE_MS: readonly number[] = [
  200, 500, 1000, 3000, 6000, 18000, 18000, 18000,
];

/** What failQueries (failBalance) makes /api/queryPayOutResult (Balance Inquiry) do: answer normally, HTTP 500, or never answer. */
export type QueryFailure = 'none' | 'http500' | 'timeout';

/** What failBalance makes Balance Inquiry do: a QueryFailure, or 'overflow': answer "1" and 400 zeros. */
export type BalanceFailure = QueryFailure | 'overflow';

/**
 * What failPayouts makes /api/payout do: answer normally; HTTP 500 or a destroyed socket, recording
 * nothing; or record the payout as usual and answer HTTP 200 with `<html>oops</html>`.
 */
export type PayoutFailure = 'none' | 'http500' | 'reset' | 'garbage' | 'wrongShape';

/** One POST the sandbox made to a notifyUrl. */
export interface CallbackAttempt {
  /** When the POST was sent. */
  at: Date;
  /** The `status` the callback carried. */
  status: string;
  /** True only for HTTP 200 with body `OK` (whitespace trimmed). */
  answeredOk: boolean;
  /** The HTTP status, absent when there was no answer (connection error, timeout, close()). */
  httpStatus?: number;
}

/** How the sandbox is started: the merchant it accepts, its delays and where it listens. */
export interface SandboxOptions {
  merchantNo: string;
  appSecret: string;
  salt: SaltPosition;
  /** Delay before answering a payout to SANDBOX_MOBILES.slow; default 10_000. */
  slowMs?: number;
  /** Delay after a payout is received before it turns '0000' (default and slow mobiles); default 2_000. */
  settleMs?: number;
  /** Delay before answering each payout query, like a real Paypro's latency; default 0. */
  queryDelayMs?: number;
  /** Delay before answering each payout (any mobile), like a real Paypro's latency; default 0. */
  payoutDelayMs?: number;
  /**
   * Delays between callback attempts: the first attempt is immediate, retry i waits
   * callbackScheduleMs[i] after attempt i failed; after the last retry the sandbox gives up.
   * Default DEFAULT_CALLBACK_SCHEDULE_MS.
   */
  callbackScheduleMs?: readonly number[];
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The merchant's available balance at start, KES (SANDBOX_BALANCE under npm start); default 1,000,000,000. */
  balance?: number;
  /** Where Balance Inquiry is served (the client's PAYPRO_BALANCE_PATH); default /api/queryBalance. */
  balancePath?: string;
}

/** A payout the sandbox accepted, with its current status. */
export interface SandboxPayout {
  tradeNo: string;
  amount: string;
  mobile: string;
  remark?: string;
  notifyUrl?: string;
  serialNumber: string;
  platFormTradeNo: string;
  status: string;
  message: string;
  receivedAt: Date;
  /** When the payout reached a final status (success or failure), as Paypro reports it. */
  successTime?: Date;
}

/** The transaction statuses (`data.status`) the sandbox gives. */
export const STATUS = {
  success: { status: '0000', message: 'SUCCESS' },
  processing: { status: '0015', message: 'CREDIT_INPROGRESS' },
  rejected: { status: '00029', message: 'REJECTED_TRANSACTION' },
  // The sandbox's invention (see paypro-sandbox.ts): Paypro documents no code for it.
  insufficientBalance: { status: '00051', message: 'INSUFFICIENT_BALANCE' },
} as const;

/** A first-layer answer; `data` is raw JSON text so amounts can keep Paypro's `50.0000`. */
export interface Reply {
  code: string;
  msg: string;
  data?: string;
}

/** A request accepted (first layer). */
export const ACCEPTED = { code: '0000', msg: 'success' } as const;
/** The sandbox's own first-layer refusals (see paypro-sandbox.ts). */
export const ERRORS = {
  merchantNotFound: { code: '1001', msg: 'MERCHANT_NOT_FOUND' },
  signError: { code: '1002', msg: 'SIGN_ERROR' },
  paramError: { code: '1003', msg: 'PARAM_ERROR' },
  duplicateTradeNo: { code: '1004', msg: 'DUPLICATE_TRADE_NO' },
  orderNotExist: { code: '1005', msg: 'ORDER_NOT_EXIST' },
} as const satisfies Record<string, Reply>;

/** An answer that is not Paypro's envelope, injected with failPayouts/failQueries. */
export interface Fault {
  fault: 'http500' | 'reset' | 'garbage';
}

/** What an endpoint sees of a request: the merchant header and the body, parsed when possible. */
export interface SandboxRequest {
  merchantNo: string | undefined;
  body: SignableFields | undefined;
}

/** One route of the sandbox: what it answers a request, given the sandbox's state. */
export type Endpoint = (state: SandboxState, request: SandboxRequest) => Promise<Reply | Fault>;

/** Everything one running sandbox holds; the routes read and change it. */
export interface SandboxState {
  options: Required<SandboxOptions>;
  payouts: Map<string, SandboxPayout>;
  calls: Map<string, number>;
  timers: Set<NodeJS.Timeout>;
  attempts: Map<string, CallbackAttempt[]>;
  /** One per callback POST in flight, so close() can abort it. */
  inFlight: Map<AbortController, Promise<void>>;
  queryFailure: QueryFailure;
  queryCalls: number;
  payoutFailure: PayoutFailure;
  /** The merchant's available balance in cents (whole cents keep repeated debits exact). */
  availableCents: number;
  /** How many Balance Inquiries it has served, whatever their answer. */
  balanceCalls: number;
  /** What failBalance makes Balance Inquiry do. */
  balanceFailure: BalanceFailure;
  /** The M-Pesa receipt code of each paid payout, by tradeNo. */
  receipts: Map<string, string>;
  /** The tradeNo of each M-Pesa receipt code. */
  receiptTrades: Map<string, string>;
  closed: boolean;
  /** Resolves when close() starts; hanging answers wait on it. */
  closing: Promise<void>;
}

/** The result fields Paypro sends in the query's `data` and in callbacks. */
export type ResultFields = Pick<
  SandboxPayout,
  'platFormTradeNo' | 'tradeNo' | 'amount' | 'status' | 'message'
> & {
  successTime?: Date;
};

/**
 * The query's `data` and the callback body, as JSON text. Paypro sends amount as a JSON number
 * with four decimals (50.0000), which JSON.stringify can't write.
 */
export function resultJson(result: ResultFields): string {
  const fields = [
    `"platFormTradeNo":${JSON.stringify(result.platFormTradeNo)}`,
    `"tradeNo":${JSON.stringify(result.tradeNo)}`,
    `"amount":${result.amount}.0000`,
    `"status":${JSON.stringify(result.status)}`,
    `"message":${JSON.stringify(result.message)}`,
    `"successTime":${result.successTime ? JSON.stringify(kenyaTime(result.successTime)) : 'null'}`,
  ].join(',');
  return `{${fields}}`;
}

/** The checks both endpoints share, in Paypro's order: merchant, body shape, then sign. */
export function checkRequest(
  options: Required<SandboxOptions>,
  merchantNo: string | undefined,
  body: SignableFields | undefined,
): Reply | undefined {
  if (merchantNo !== options.merchantNo) return ERRORS.merchantNotFound;
  if (!body) return ERRORS.paramError;
  if (!verifySign(body, body.sign, options.appSecret, options.salt)) return ERRORS.signError;
  return undefined;
}

/**
 * Runs `run` after `ms` on a timer that close() can clear and that never holds the process open.
 * After close() nothing is scheduled.
 */
export function schedule(state: SandboxState, ms: number, run: () => void): void {
  if (state.closed) return;
  const timer = setTimeout(() => {
    state.timers.delete(timer);
    run();
  }, ms);
  timer.unref();
  state.timers.add(timer);
}

/** Resolves after `ms`, or never if close() clears it first (its socket is destroyed by then). */
export function sleep(state: SandboxState, ms: number): Promise<void> {
  return new Promise((resolve) => schedule(state, ms, resolve));
}
