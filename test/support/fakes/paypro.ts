import { FloatUnreadableError, PayproUnknownOutcomeError } from '../../../lib/errors';
import type {
  PayoutAccepted,
  PayoutCall,
  PayoutRecord,
  PayproApi,
  PayproCredentials,
  RequestRejected,
} from '../../../lib/paypro/client';
import type { FloatBalance, PayproFloatApi, ReceiptRecord } from '../../../lib/paypro/float-answers';
import type { TransportFailure } from '../../../lib/paypro/transport';

/**
 * What the fake Paypro answers a payout call with: an answer, `unknown` (PayproUnknownOutcomeError
 * with no transport failure: ambiguous, not an outage) or a transport failure (`failedWith`).
 */
export type PayoutReply =
  | PayoutAccepted
  | RequestRejected
  | 'unknown'
  | { kind: 'failed'; failure: TransportFailure };
/** What it answers a query with: its record, `not-found` (1005 ORDER_NOT_EXIST) or `unknown`. */
export type QueryReply = Omit<PayoutRecord, 'kind' | 'tradeNo'> | 'not-found' | 'unknown';

/**
 * What the fake Paypro answers a balance inquiry with: figures, `unknown` (no answer) or
 * `unreadable` (an answer that is not figures); both of the latter throw FloatUnreadableError.
 */
export type BalanceReply = FloatBalance | 'unknown' | 'unreadable';
/** What it answers an M-Pesa receipt code with: its record, or `unknown` (a timeout: PayproUnknownOutcomeError). */
export type ReceiptReply = Omit<ReceiptRecord, 'kind'> | 'unknown';

/** The balance the fake starts with: plenty, so no test meets it unless it sets its own. */
export const FAKE_BALANCE = 1_000_000_000;

/** Paypro accepting a payout with transaction status `status` (0015 in progress, 0000 paid, other failed). */
export function accepted(tradeNo: string, status = '0015', message = 'CREDIT_INPROGRESS'): PayoutAccepted {
  return { kind: 'accepted', serialNumber: `sn-${tradeNo}`, status, message };
}

/** A payout call that fails as the HTTP client would throw it: PayproUnknownOutcomeError carrying `failure`. */
export function failedWith(failure: TransportFailure): PayoutReply {
  return { kind: 'failed', failure };
}

/** Paypro's gateway answering 503 without its envelope (an outage): not taken in. */
export const GATEWAY_503: TransportFailure = {
  class: 'not-taken-in',
  unavailable: true,
  rateLimited: false,
  detail: "HTTP 503 without Paypro's envelope",
};

/** Paypro answering HTTP 429: not taken in, rate limited. */
export const TOO_MANY_REQUESTS: TransportFailure = {
  class: 'not-taken-in',
  unavailable: true,
  rateLimited: true,
  detail: 'HTTP 429 too many requests',
};

/** Our own timeout ended the call: ambiguous. */
export const NO_ANSWER_IN_TIME: TransportFailure = {
  class: 'ambiguous',
  unavailable: true,
  rateLimited: false,
  detail: 'no answer in time',
};

/**
 * Paypro as the use cases see it (PayproApi, PayproFloatApi), in memory. By default it accepts every
 * payout with 0015 and then knows it (its query answers 0015 with the amount sent); a test scripts
 * other answers per tradeNo. Every call is kept, so a test can tell how often a payout was sent.
 * Its balance is what the test set (FAKE_BALANCE at first): payouts do not draw on it, so a test
 * states the figures it means. Receipt codes are unknown (1005 ORDER_NOT_EXIST) unless scripted.
 */
export class FakePaypro implements PayproApi, PayproFloatApi {
  /** Every payout call, in order. */
  readonly payoutCalls: PayoutCall[] = [];
  /** Every query's tradeNo, in order. */
  readonly queryCalls: string[] = [];
  /** How many balance inquiries it answered or failed. */
  balanceCalls = 0;
  /** Every receipt code asked about, in order. */
  readonly receiptCalls: string[] = [];
  private readonly payoutReplies = new Map<string, PayoutReply[]>();
  private readonly records = new Map<string, QueryReply>();
  private balanceReply: BalanceReply = { available: FAKE_BALANCE, frozen: 0, unsettled: 0 };
  private readonly receipts = new Map<string, ReceiptReply>();

  /** Balance inquiries answer `available` KES (frozen and unsettled 0), or the given figures or failure, from now on. */
  setBalance(balance: number | BalanceReply): this {
    this.balanceReply =
      typeof balance === 'number' ? { available: balance, frozen: 0, unsettled: 0 } : balance;
    return this;
  }

  /** Receipt queries for `code` get `reply` from now on. */
  answerReceipt(code: string, reply: ReceiptReply): this {
    this.receipts.set(code, reply);
    return this;
  }

  /** The next payout calls for `tradeNo` get `replies` in turn, the last one from then on. */
  answerPayout(tradeNo: string, ...replies: [PayoutReply, ...PayoutReply[]]): this {
    this.payoutReplies.set(tradeNo, [...replies]);
    return this;
  }

  /** Queries for `tradeNo` get `reply` from now on. */
  answerQuery(tradeNo: string, reply: QueryReply): this {
    this.records.set(tradeNo, reply);
    return this;
  }

  /** How many payout calls named `tradeNo`. */
  sent(tradeNo: string): number {
    return this.payoutCalls.filter((call) => call.tradeNo === tradeNo).length;
  }

  async payout(_credentials: PayproCredentials, call: PayoutCall): Promise<PayoutAccepted | RequestRejected> {
    this.payoutCalls.push({ ...call });
    const replies = this.payoutReplies.get(call.tradeNo);
    const reply = (replies && replies.length > 1 ? replies.shift() : replies?.[0]) ?? accepted(call.tradeNo);
    if (reply === 'unknown') throw new PayproUnknownOutcomeError('timed out (fake Paypro)');
    if (reply.kind === 'failed') {
      throw new PayproUnknownOutcomeError(
        `Paypro /api/payout failed: ${reply.failure.detail} (fake Paypro).`,
        {
          failure: reply.failure,
        },
      );
    }
    if (reply.kind === 'accepted' && !this.records.has(call.tradeNo)) {
      this.records.set(call.tradeNo, {
        amount: `${call.amount}.0000`,
        status: reply.status,
        message: reply.message,
      });
    }
    return { ...reply };
  }

  async queryPayout(
    _credentials: PayproCredentials,
    tradeNo: string,
  ): Promise<PayoutRecord | RequestRejected> {
    this.queryCalls.push(tradeNo);
    const reply = this.records.get(tradeNo) ?? 'not-found';
    if (reply === 'unknown') throw new PayproUnknownOutcomeError('timed out (fake Paypro)');
    if (reply === 'not-found') return { kind: 'rejected', code: '1005', message: 'ORDER_NOT_EXIST' };
    return { kind: 'found', tradeNo, ...reply };
  }

  async queryBalance(_credentials: PayproCredentials): Promise<FloatBalance> {
    this.balanceCalls += 1;
    const reply = this.balanceReply;
    if (reply === 'unknown')
      throw new FloatUnreadableError("Paypro's balance could not be read (fake Paypro).");
    if (reply === 'unreadable')
      throw new FloatUnreadableError(
        'Paypro answered the balance inquiry with unreadable figures (fake Paypro).',
      );
    return { ...reply };
  }

  async queryReceipt(
    _credentials: PayproCredentials,
    code: string,
  ): Promise<ReceiptRecord | RequestRejected> {
    this.receiptCalls.push(code);
    const reply = this.receipts.get(code);
    if (reply === 'unknown') throw new PayproUnknownOutcomeError('timed out (fake Paypro)');
    if (reply === undefined) return { kind: 'rejected', code: '1005', message: 'ORDER_NOT_EXIST' };
    return { kind: 'found', ...reply };
  }
}

/** A fetch for PayproClient that answers like Paypro: payouts accepted ('0015'), queries found ('0000'). */
export function fakePayproFetch(): { fetch: typeof fetch; payoutCalls: Map<string, number> } {
  const amounts = new Map<string, string>();
  const payoutCalls = new Map<string, number>();
  const answer = (data: unknown, code = '0000', msg = 'success') =>
    new Response(JSON.stringify({ code, msg, success: code === '0000', timestamp: Date.now(), data }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, string>;
    const tradeNo = String(body.tradeNo);
    if (url.endsWith('/api/payout')) {
      payoutCalls.set(tradeNo, (payoutCalls.get(tradeNo) ?? 0) + 1);
      amounts.set(tradeNo, String(body.amount));
      return answer({ serialNumber: `sn-${tradeNo}`, status: '0015', desc: 'CREDIT_INPROGRESS' });
    }
    if (url.endsWith('/api/queryPayOutResult')) {
      const amount = amounts.get(tradeNo);
      if (amount === undefined) return answer(null, '1005', 'ORDER_NOT_EXIST');
      return answer({
        platFormTradeNo: `pf-${tradeNo}`,
        tradeNo,
        amount: `${amount}.0000`,
        status: '0000',
        message: 'SUCCESS',
        successTime: '2026-01-01 12:00:00',
      });
    }
    return new Response('not found', { status: 404 });
  };
  return { fetch: fake as typeof fetch, payoutCalls };
}
