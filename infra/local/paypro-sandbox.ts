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
 *   1005 ORDER_NOT_EXIST     query for a tradeNo the sandbox never accepted, or a receipt
 *                            query (/api/queryResultByCode) for a code it never gave
 * Every answer is HTTP 200 except an unknown path or method (HTTP 404), a fault injected
 * with failPayouts/failQueries, or an outage (outage(), POST /sandbox/outage: 503, refused
 * connections or no answer at all for N seconds; paypro-sandbox-outage.ts).
 *
 *
 * The merchant's balance (option `balance`, SANDBOX_BALANCE under npm start; default 1,000,000,000
 * KES) is debited by every payout it accepts and credited back when such a payout ends failed. A
 * payout the available balance cannot cover is accepted as a request (code 0000) but answered with
 * `data.status` 00051 and `desc` INSUFFICIENT_BALANCE, final at once, nothing debited: that code
 * and message are also this sandbox's invention (Paypro documents none for it). Balance Inquiry is
 * served at option `balancePath` (default /api/queryBalance, like the client's PAYPRO_BALANCE_PATH)
 * with `availableAmount` as a string and `freezeAmount`/`unsettledAmount` always "0.00". A paid
 * payout gets an M-Pesa receipt code, found through /api/queryResultByCode; the payout query and
 * callbacks do not carry it (Paypro documents no such field there).
 *
 * Callbacks: when a payout reaches a final status and has a notifyUrl, the sandbox POSTs the
 * result there (same fields as the query's `data`, no signature) and retries on Paypro's schedule,
 * compressed by default, until the answer is HTTP 200 with body `OK`; see callbackScheduleMs.
 */
import { createServer } from 'node:http';
import { DEFAULT_BALANCE_PATH } from '../../lib/paypro/client';
import { listen } from './listen';
import {
  balanceOf,
  DEFAULT_SANDBOX_BALANCE,
  isBalance,
  queryBalance,
  queryResultByCode,
  type SandboxBalance,
  serveSandboxBalance,
  toCents,
} from './paypro-sandbox-float';
import {
  type BalanceFailure,
  type CallbackAttempt,
  DEFAULT_CALLBACK_SCHEDULE_MS,
  type Endpoint,
  type PayoutFailure,
  type QueryFailure,
  type SandboxOptions,
  type SandboxPayout,
  type SandboxState,
} from './paypro-sandbox-model';
import { type OutageMode, outageControl, type SandboxOutage } from './paypro-sandbox-outage';
import { outageJson, serveOutage } from './paypro-sandbox-outage-route';
import { payout, queryPayOutResult } from './paypro-sandbox-payouts';
import { failSafely, handleRequest, writeJson } from './paypro-sandbox-wire';

export { DEFAULT_SANDBOX_BALANCE, type SandboxBalance } from './paypro-sandbox-float';
export {
  type BalanceFailure,
  type CallbackAttempt,
  DEFAULT_CALLBACK_SCHEDULE_MS,
  type PayoutFailure,
  type QueryFailure,
  SANDBOX_MOBILES,
  type SandboxOptions,
  type SandboxPayout,
} from './paypro-sandbox-model';
export { MAX_OUTAGE_S, OUTAGE_MODES, type OutageMode, type SandboxOutage } from './paypro-sandbox-outage';

export interface PayproSandbox {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:43211. */
  url: string;
  /** Accepted payouts by tradeNo. */
  payouts: ReadonlyMap<string, SandboxPayout>;
  /** How many POST /api/payout named this tradeNo, accepted, refused or failed by failPayouts (none during an outage). */
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
   * Makes Balance Inquiry fail from now on, like failQueries ('none' restores normal answers);
   * 'overflow' answers an available figure of "1" and 400 zeros, which Number() reads as Infinity.
   */
  failBalance(mode: BalanceFailure): void;
  /** Sets the merchant's available balance, KES (non-negative). */
  setBalance(available: number): void;
  /** The merchant's balance now, KES. */
  balance(): SandboxBalance;
  /** How many Balance Inquiries it has served, whatever their answer. */
  balanceCalls(): number;
  /** The M-Pesa receipt code of a paid payout; undefined until it is paid. */
  receiptOf(tradeNo: string): string | undefined;
  /**
   * Makes every Paypro route fail for `seconds` (a whole number, 1 to MAX_OUTAGE_S), replacing any
   * outage in effect: '503' a gateway's HTML 503, 'refuse' nothing listening, 'hang' no answer.
   * Resolves once it is in effect; throws on a bad mode or seconds (nothing changed).
   */
  outage(mode: OutageMode, seconds: number): Promise<SandboxOutage>;
  /** Ends the outage in effect now, if any; resolves once Paypro's routes answer again. */
  endOutage(): Promise<void>;
  /** The outage in effect (a copy), or undefined. */
  currentOutage(): SandboxOutage | undefined;
  /** Every outage so far, oldest first (copies), each with the payout requests that reached it. */
  outages(): SandboxOutage[];
  /**
   * Stops the server, drops open connections (hanging queries and outages included), clears
   * pending timers and retries, and aborts callbacks in flight; a 'refuse' outage never listens again.
   */
  close(): Promise<void>;
}

/**
 * Paypro's routes the sandbox serves, by `METHOD /path`. A new route is an endpoint (state and
 * request in, a Reply or Fault out) and one line here.
 */
const ROUTES: Readonly<Record<string, Endpoint>> = {
  'POST /api/payout': payout,
  'POST /api/queryPayOutResult': queryPayOutResult,
  'POST /api/queryResultByCode': queryResultByCode,
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
      balance: DEFAULT_SANDBOX_BALANCE,
      balancePath: DEFAULT_BALANCE_PATH,
      ...withoutUndefined(options),
    },
    payouts: new Map(),
    calls: new Map(),
    timers: new Set(),
    attempts: new Map(),
    inFlight: new Map(),
    queryFailure: 'none',
    queryCalls: 0,
    payoutFailure: 'none',
    availableCents: 0,
    balanceCalls: 0,
    balanceFailure: 'none',
    receipts: new Map(),
    receiptTrades: new Map(),
    closed: false,
    closing: new Promise<void>((resolve) => {
      startClosing = resolve;
    }),
  };
  if (!isBalance(state.options.balance))
    throw new Error('The sandbox balance must be a non-negative number.');
  state.availableCents = toCents(state.options.balance);
  // Balance Inquiry's path is configurable (unconfirmed for Kenya), so its line is added here.
  const routes = { ...ROUTES, [`POST ${state.options.balancePath}`]: queryBalance };
  const server = createServer((req, res) => {
    // Sandbox-only, not Paypro's: what it was sent, so a test over npm start can count sends.
    if (req.method === 'GET' && req.url === '/sandbox/calls') {
      writeJson(res, 200, JSON.stringify(callStats(state, outage.history())));
      return;
    }
    if (serveOutage(outage, req, res)) return;
    if (serveSandboxBalance(state, req, res)) return;
    if (outage.intercept(req, res)) return;
    handleRequest(routes, state, req, res).catch(() => failSafely(res));
  });
  const outage = outageControl(server, state.options.host);
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
    failBalance: (mode) => {
      state.balanceFailure = mode;
    },
    setBalance: (available) => {
      if (!isBalance(available)) throw new Error('The sandbox balance must be a non-negative number.');
      state.availableCents = toCents(available);
    },
    balance: () => balanceOf(state),
    balanceCalls: () => state.balanceCalls,
    receiptOf: (tradeNo) => state.receipts.get(tradeNo),
    outage: async (mode, seconds) => ({ ...(await outage.start(mode, seconds)) }),
    endOutage: () => outage.end(),
    currentOutage: () => {
      const current = outage.current();
      return current && { ...current };
    },
    outages: () => outage.history().map((each) => ({ ...each })),
    close: async () => {
      state.closed = true;
      outage.close();
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

/**
 * GET /sandbox/calls: the payout calls the sandbox served (outside outages), for how many tradeNos,
 * how many tradeNos came more than once, how many it accepted (each at most once: a second payout
 * naming one is refused 1004), and every outage with the payout requests that reached it meanwhile.
 */
function callStats(state: SandboxState, outages: readonly SandboxOutage[]) {
  const counts = [...state.calls.values()];
  return {
    payoutCalls: counts.reduce((a, b) => a + b, 0),
    tradeNos: counts.length,
    repeated: counts.filter((n) => n > 1).length,
    accepted: state.payouts.size,
    outages: outages.map(outageJson),
  };
}

/** The options actually given: an undefined one (e.g. from an unset variable) keeps its default. */
function withoutUndefined(options: SandboxOptions): SandboxOptions {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as unknown as SandboxOptions;
}
