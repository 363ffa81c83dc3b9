/*
 * Local stand-in for Paypro Kenya's sandbox, for the local stack and integration tests.
 * It follows the API notes (shared/paypro-kenya-api.md) for the wire format and the transaction
 * statuses (`data.status`).
 *
 * The first-layer error codes below are this sandbox's own invention: Paypro does not
 * document its request-level errors, so do not match on these numbers in service code.
 *   1001 MERCHANT_NOT_FOUND  header `merchantNo` missing or not the configured merchant
 *   1002 SIGN_ERROR          `sign` does not match the body
 *   1003 PARAM_ERROR         body too large, not a JSON object, or a field missing/invalid
 *   1004 DUPLICATE_TRADE_NO  a payout with this tradeNo was already accepted
 *   1005 ORDER_NOT_EXIST     query for a tradeNo the sandbox never accepted
 * Every answer is HTTP 200 except an unknown path or method (HTTP 404), or a fault injected
 * with failPayouts/failQueries.
 *
 * Callbacks: when a payout reaches a final status and has a notifyUrl, the sandbox POSTs the
 * result there (same fields as the query's `data`, no signature) and retries on Paypro's schedule,
 * compressed by default, until the answer is HTTP 200 with body `OK`; see callbackScheduleMs.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type SaltPosition, type SignableFields, verifySign } from '../../lib/paypro/sign';
import { listen } from './listen';
import { readBody } from './read-body';

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

/** What failQueries makes /api/queryPayOutResult do: answer normally, HTTP 500, or never answer. */
export type QueryFailure = 'none' | 'http500' | 'timeout';

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
}

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

export interface PayproSandbox {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:43211. */
  url: string;
  /** Accepted payouts by tradeNo. */
  payouts: ReadonlyMap<string, SandboxPayout>;
  /** How many POST /api/payout named this tradeNo, accepted, refused or failed by failPayouts. */
  payoutCalls(tradeNo: string): number;
  /** How many POST /api/queryPayOutResult it has served, whatever their answer. */
  queryCalls(): number;
  /**
   * Every callback POST the sandbox made for this tradeNo, in the order their outcome became
   * known (an attempt still in flight is not listed yet). A copy: later attempts do not change it.
   */
  callbackAttempts(tradeNo: string): CallbackAttempt[];
  /** Makes /api/queryPayOutResult fail from now on ('none' restores normal answers). */
  failQueries(mode: QueryFailure): void;
  /**
   * Makes /api/payout fail from now on ('none' restores normal answers): 'http500' and 'reset'
   * record nothing; 'garbage' (non-JSON) and 'wrongShape' (JSON, data not as documented) record the payout.
   */
  failPayouts(mode: PayoutFailure): void;
  /**
   * Stops the server, drops open connections (hanging queries included), clears pending
   * timers and retries, and aborts callbacks in flight.
   */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const KENYA_UTC_OFFSET_MS = 3 * 60 * 60 * 1000;
const CALLBACK_TIMEOUT_MS = 5_000;

const STATUS = {
  success: { status: '0000', message: 'SUCCESS' },
  processing: { status: '0015', message: 'CREDIT_INPROGRESS' },
  rejected: { status: '00029', message: 'REJECTED_TRANSACTION' },
} as const;

/** A first-layer answer; `data` is raw JSON text so amounts can keep Paypro's `50.0000`. */
interface Reply {
  code: string;
  msg: string;
  data?: string;
}

const ACCEPTED = { code: '0000', msg: 'success' } as const;
const ERRORS = {
  merchantNotFound: { code: '1001', msg: 'MERCHANT_NOT_FOUND' },
  signError: { code: '1002', msg: 'SIGN_ERROR' },
  paramError: { code: '1003', msg: 'PARAM_ERROR' },
  duplicateTradeNo: { code: '1004', msg: 'DUPLICATE_TRADE_NO' },
  orderNotExist: { code: '1005', msg: 'ORDER_NOT_EXIST' },
} as const satisfies Record<string, Reply>;

/** An answer that is not Paypro's envelope, injected with failPayouts/failQueries. */
interface Fault {
  fault: 'http500' | 'reset' | 'garbage';
}

/** What an endpoint sees of a request: the merchant header and the body, parsed when possible. */
interface SandboxRequest {
  merchantNo: string | undefined;
  body: SignableFields | undefined;
}

type Endpoint = (request: SandboxRequest) => Promise<Reply | Fault>;

interface SandboxState {
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
  closed: boolean;
  /** Resolves when close() starts; hanging answers wait on it. */
  closing: Promise<void>;
}

/** The result fields Paypro sends in the query's `data` and in callbacks. */
type ResultFields = Pick<SandboxPayout, 'platFormTradeNo' | 'tradeNo' | 'amount' | 'status' | 'message'> & {
  successTime?: Date;
};

/** Starts the sandbox and resolves once it listens. */
export async function startPayproSandbox(options: SandboxOptions): Promise<PayproSandbox> {
  let startClosing = () => {};
  const state: SandboxState = {
    options: {
      slowMs: 10_000,
      settleMs: 2_000,
      queryDelayMs: 0,
      payoutDelayMs: 0,
      callbackScheduleMs: DEFAULT_CALLBACK_SCHEDULE_MS,
      port: 0,
      host: '127.0.0.1',
      ...options,
    },
    payouts: new Map(),
    calls: new Map(),
    timers: new Set(),
    attempts: new Map(),
    inFlight: new Map(),
    queryFailure: 'none',
    queryCalls: 0,
    payoutFailure: 'none',
    closed: false,
    closing: new Promise<void>((resolve) => {
      startClosing = resolve;
    }),
  };
  const routes: Record<string, Endpoint> = {
    'POST /api/payout': (request) => payout(state, request),
    'POST /api/queryPayOutResult': (request) => queryPayOutResult(state, request),
  };

  const server = createServer((req, res) => {
    // Sandbox-only, not Paypro's: what it was sent, so a test over npm start can count sends.
    if (req.method === 'GET' && req.url === '/sandbox/calls') {
      writeJson(res, 200, JSON.stringify(callStats(state)));
      return;
    }
    handleRequest(routes, req, res).catch(() => failSafely(res));
  });
  const url = await listen(server, state.options.port, state.options.host);

  return {
    url,
    payouts: state.payouts,
    payoutCalls: (tradeNo) => state.calls.get(tradeNo) ?? 0,
    queryCalls: () => state.queryCalls,
    callbackAttempts: (tradeNo) => (state.attempts.get(tradeNo) ?? []).map((attempt) => ({ ...attempt })),
    failQueries: (mode) => {
      state.queryFailure = mode;
    },
    failPayouts: (mode) => {
      state.payoutFailure = mode;
    },
    close: async () => {
      state.closed = true;
      startClosing();
      for (const timer of state.timers) clearTimeout(timer);
      state.timers.clear();
      for (const controller of state.inFlight.keys()) controller.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets and slow or hanging answers would otherwise hold close() open.
      server.closeAllConnections();
      // Aborted fetches settle at once; waiting for them means nothing is recorded after close().
      await Promise.allSettled([closed, ...state.inFlight.values()]);
    },
  };
}

/** How many payout calls the sandbox received, for how many tradeNos, and how many tradeNos came more than once. */
function callStats(state: SandboxState): { payoutCalls: number; tradeNos: number; repeated: number } {
  const counts = [...state.calls.values()];
  return {
    payoutCalls: counts.reduce((a, b) => a + b, 0),
    tradeNos: counts.length,
    repeated: counts.filter((n) => n > 1).length,
  };
}

/** Routes one request; every failure is turned into an answer, never an exception. */
async function handleRequest(
  routes: Record<string, Endpoint>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
  const endpoint = routes[`${req.method} ${path}`];
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (!endpoint) {
    writeJson(res, 404, JSON.stringify({ code: '404', msg: 'NOT_FOUND', success: false }));
    return;
  }
  const merchantNo = req.headers.merchantno;
  const answer = await endpoint({
    merchantNo: typeof merchantNo === 'string' ? merchantNo : undefined,
    body: raw === undefined ? undefined : parseFields(raw),
  });
  if ('fault' in answer) {
    writeFault(res, answer);
  } else {
    writeEnvelope(res, answer);
  }
}

/** POST /api/payout: applies failPayouts, or else answers as Paypro would. */
async function payout(state: SandboxState, request: SandboxRequest): Promise<Reply | Fault> {
  const { body } = request;
  // Counted before any check or fault so tests can prove a client sent a tradeNo exactly once.
  if (typeof body?.tradeNo === 'string') {
    state.calls.set(body.tradeNo, (state.calls.get(body.tradeNo) ?? 0) + 1);
  }
  const failure = state.payoutFailure;
  if (failure === 'http500' || failure === 'reset') return { fault: failure };
  const reply = await acceptPayout(state, request);
  if (failure === 'garbage') return { fault: 'garbage' };
  // Valid JSON, request accepted, but `data` is not what Paypro documents.
  if (failure === 'wrongShape' && reply.code === ACCEPTED.code)
    return { ...ACCEPTED, data: '{"unexpected":true}' };
  return reply;
}

/** Accepts a payout once per tradeNo and scripts its outcome by mobile. */
async function acceptPayout(state: SandboxState, { merchantNo, body }: SandboxRequest): Promise<Reply> {
  const refusal = checkRequest(state.options, merchantNo, body);
  if (refusal) return refusal;
  const fields = parsePayoutFields(body as SignableFields);
  if (!fields) return ERRORS.paramError;
  if (state.payouts.has(fields.tradeNo)) return ERRORS.duplicateTradeNo;

  const record: SandboxPayout = {
    ...fields,
    serialNumber: randomHex32(),
    platFormTradeNo: randomHex32(),
    ...STATUS.processing,
    receivedAt: new Date(),
  };
  state.payouts.set(record.tradeNo, record);
  applyScriptedOutcome(state, record);

  // Taken now: a slow answer still says what Paypro decided on receipt, even if it settled since.
  const data = {
    serialNumber: record.serialNumber,
    status: record.status,
    desc: record.message,
    remark: record.remark,
  };
  if (record.mobile === SANDBOX_MOBILES.slow) {
    // The payout already exists: a client that times out here must find it by querying.
    await sleep(state, state.options.slowMs);
  } else if (state.options.payoutDelayMs > 0) {
    await sleep(state, state.options.payoutDelayMs);
  }
  return { ...ACCEPTED, data: JSON.stringify(data) };
}

/** POST /api/queryPayOutResult: applies failQueries, or else answers as Paypro would. */
async function queryPayOutResult(state: SandboxState, request: SandboxRequest): Promise<Reply | Fault> {
  state.queryCalls += 1;
  if (state.options.queryDelayMs > 0) await sleep(state, state.options.queryDelayMs);
  switch (state.queryFailure) {
    case 'http500':
      return { fault: 'http500' };
    case 'timeout':
      // Never answers; close() destroys the socket, then this resolves.
      await state.closing;
      return { fault: 'reset' };
    default:
      return queryResult(state, request);
  }
}

/** The authoritative state of one payout. */
async function queryResult(state: SandboxState, { merchantNo, body }: SandboxRequest): Promise<Reply> {
  const refusal = checkRequest(state.options, merchantNo, body);
  if (refusal) return refusal;
  const tradeNo = body?.tradeNo;
  if (typeof tradeNo !== 'string' || tradeNo === '') return ERRORS.paramError;
  const record = state.payouts.get(tradeNo);
  if (!record) return ERRORS.orderNotExist;
  return { ...ACCEPTED, data: resultJson(record) };
}

/**
 * The query's `data` and the callback body, as JSON text. Paypro sends amount as a JSON number
 * with four decimals (50.0000), which JSON.stringify can't write.
 */
function resultJson(result: ResultFields): string {
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
function checkRequest(
  options: Required<SandboxOptions>,
  merchantNo: string | undefined,
  body: SignableFields | undefined,
): Reply | undefined {
  if (merchantNo !== options.merchantNo) return ERRORS.merchantNotFound;
  if (!body) return ERRORS.paramError;
  if (!verifySign(body, body.sign, options.appSecret, options.salt)) return ERRORS.signError;
  return undefined;
}

type PayoutFields = Pick<SandboxPayout, 'tradeNo' | 'amount' | 'mobile' | 'remark' | 'notifyUrl'>;

/** Validates a payout body; undefined when any field breaks Paypro's documented rules. */
function parsePayoutFields(body: SignableFields): PayoutFields | undefined {
  const { timestamp, amount, mobile, tradeNo, remark, notifyUrl } = body;
  const validTimestamp =
    (typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0) ||
    (typeof timestamp === 'string' && /^\d+$/.test(timestamp));
  const wholeAmount = parseWholeAmount(amount);
  if (
    !validTimestamp ||
    wholeAmount === undefined ||
    typeof mobile !== 'string' ||
    !/^254[17]\d{8}$/.test(mobile) ||
    typeof tradeNo !== 'string' ||
    tradeNo === '' ||
    tradeNo.length > 64 ||
    (remark !== undefined && typeof remark !== 'string') ||
    (notifyUrl !== undefined && typeof notifyUrl !== 'string')
  ) {
    return undefined;
  }
  return { tradeNo, amount: wholeAmount, mobile, remark, notifyUrl };
}

/** Whole shillings ≥ 1 as a canonical digit string (no leading zeros), or undefined. */
function parseWholeAmount(amount: unknown): string | undefined {
  if (typeof amount === 'number') {
    return Number.isSafeInteger(amount) && amount >= 1 ? String(amount) : undefined;
  }
  if (typeof amount !== 'string' || !/^\d+$/.test(amount)) return undefined;
  const value = BigInt(amount);
  return value >= 1n ? value.toString() : undefined;
}

/** Sets the outcome the payout's mobile scripts, now or settleMs after it was received. */
function applyScriptedOutcome(state: SandboxState, record: SandboxPayout): void {
  switch (record.mobile) {
    case SANDBOX_MOBILES.succeeds:
    case SANDBOX_MOBILES.succeedsQuietly:
      finish(state, record, STATUS.success);
      return;
    case SANDBOX_MOBILES.rejected:
      finish(state, record, STATUS.rejected);
      return;
    case SANDBOX_MOBILES.staysProcessing:
      return;
    default:
      schedule(state, state.options.settleMs, () => finish(state, record, STATUS.success));
  }
}

/** Moves a payout to a final status (Paypro fills successTime for failures too) and calls back. */
function finish(
  state: SandboxState,
  record: SandboxPayout,
  outcome: { status: string; message: string },
): void {
  record.status = outcome.status;
  record.message = outcome.message;
  record.successTime = new Date();
  notify(state, record);
}

/** Posts the final result to the payout's notifyUrl, as its mobile scripts. */
function notify(state: SandboxState, record: SandboxPayout): void {
  const { notifyUrl } = record;
  const silent =
    record.mobile === SANDBOX_MOBILES.neverCallsBack || record.mobile === SANDBOX_MOBILES.succeedsQuietly;
  if (notifyUrl === undefined || silent) return;
  const final = { body: resultJson(record), status: record.status };
  const retries = state.options.callbackScheduleMs;
  if (record.mobile !== SANDBOX_MOBILES.callsBackTwice) {
    void deliver(state, record.tradeNo, notifyUrl, final, retries);
    return;
  }
  // Two independent deliveries of the final result, then a stale 'processing' one, sent once.
  const stale = {
    body: resultJson({ ...record, ...STATUS.processing, successTime: undefined }),
    status: STATUS.processing.status,
  };
  void Promise.all([
    deliver(state, record.tradeNo, notifyUrl, final, retries),
    deliver(state, record.tradeNo, notifyUrl, final, retries),
  ]).then(() => deliver(state, record.tradeNo, notifyUrl, stale, []));
}

/**
 * Posts a callback until it is answered OK: at once, then again after each delay in `retries`.
 * Resolves when answered OK or given up; never resolves once close() has run.
 */
async function deliver(
  state: SandboxState,
  tradeNo: string,
  url: string,
  callback: { body: string; status: string },
  retries: readonly number[],
): Promise<void> {
  for (let attempt = 0; !state.closed; attempt += 1) {
    if (await postCallback(state, tradeNo, url, callback)) return;
    const delay = retries[attempt];
    if (delay === undefined) return;
    await sleep(state, delay);
  }
}

/** One callback POST, recorded in callbackAttempts; true when answered HTTP 200 with body OK. */
async function postCallback(
  state: SandboxState,
  tradeNo: string,
  url: string,
  callback: { body: string; status: string },
): Promise<boolean> {
  const controller = new AbortController();
  const attempt: CallbackAttempt = { at: new Date(), status: callback.status, answeredOk: false };
  const run = (async () => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: callback.body,
        redirect: 'manual',
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
      });
      attempt.httpStatus = response.status;
      const text = await response.text();
      attempt.answeredOk = response.status === 200 && text.trim() === 'OK';
    } catch {
      // Connection error, timeout or close(): not answered.
    }
  })();
  state.inFlight.set(controller, run);
  try {
    await run;
  } finally {
    state.inFlight.delete(controller);
  }
  const attempts = state.attempts.get(tradeNo) ?? [];
  attempts.push(attempt);
  state.attempts.set(tradeNo, attempts);
  return attempt.answeredOk;
}

/**
 * Runs `run` after `ms` on a timer that close() can clear and that never holds the process open.
 * After close() nothing is scheduled.
 */
function schedule(state: SandboxState, ms: number, run: () => void): void {
  if (state.closed) return;
  const timer = setTimeout(() => {
    state.timers.delete(timer);
    run();
  }, ms);
  timer.unref();
  state.timers.add(timer);
}

/** Resolves after `ms`, or never if close() clears it first (its socket is destroyed by then). */
function sleep(state: SandboxState, ms: number): Promise<void> {
  return new Promise((resolve) => schedule(state, ms, resolve));
}

/** Parses a JSON object of plain values (what can be signed); undefined for anything else. */
function parseFields(raw: string): SignableFields | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const plain = Object.values(parsed).every(
    (value) => value === null || ['string', 'number', 'boolean'].includes(typeof value),
  );
  return plain ? (parsed as SignableFields) : undefined;
}

/** Writes Paypro's first-layer envelope; success mirrors code '0000'. */
function writeEnvelope(res: ServerResponse, reply: Reply): void {
  const head = JSON.stringify({
    msg: reply.msg,
    code: reply.code,
    timestamp: Date.now(),
    success: reply.code === ACCEPTED.code,
  });
  writeJson(res, 200, `${head.slice(0, -1)},"data":${reply.data ?? 'null'}}`);
}

/** Sends a JSON body unless the client has already gone away. */
function writeJson(res: ServerResponse, status: number, body: string): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Writes an injected fault: a text HTTP 500, an HTML body with HTTP 200, or a dropped socket. */
function writeFault(res: ServerResponse, { fault }: Fault): void {
  if (res.destroyed || res.writableEnded) return;
  if (fault === 'reset') {
    res.destroy();
    return;
  }
  const [status, contentType, body] =
    fault === 'http500'
      ? [500, 'text/plain', 'Internal Server Error']
      : [200, 'text/html', '<html>oops</html>'];
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Last resort for a bug in the sandbox itself: answer 500 rather than crash the process. */
function failSafely(res: ServerResponse): void {
  try {
    if (!res.headersSent) {
      writeJson(res, 500, JSON.stringify({ code: '500', msg: 'SANDBOX_ERROR', success: false }));
    } else {
      res.destroy();
    }
  } catch {
    // Nothing more can be done for this request.
  }
}

/** `yyyy-MM-dd HH:mm:ss` in Kenya time (UTC+3 all year). */
function kenyaTime(date: Date): string {
  return new Date(date.getTime() + KENYA_UTC_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** 32 lowercase hex characters, the shape of Paypro's ids. */
function randomHex32(): string {
  return randomBytes(16).toString('hex');
}
