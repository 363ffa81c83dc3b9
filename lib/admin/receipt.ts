import {
  PayproUnavailableError,
  PayproUnknownOutcomeError,
  ReceiptNotFoundError,
  ValidationError,
} from '../errors';
import { sameAmount } from '../payouts/amount';
import { type PayoutView, toView } from '../payouts/payout';
import type { PayoutReader } from '../payouts/store';
import type { PayproApi, PayproCredentials } from '../paypro/client';
import { outcomeOf, type PayproOutcome } from '../paypro/codes';
import type { PayproFloatApi, ReceiptRecord } from '../paypro/float-answers';
import { receiptCode } from '../paypro/receipt-answer';
import type { PayproSecret } from '../paypro/secret';
import { forEachLimit } from '../shared/concurrency';
import { kenyaDate, kenyaTimeToIso } from '../shared/kenya-time';
import { addDays } from './list-payouts';
import type { PayoutDayIndex } from './repository';

/**
 * What a receipt lookup needs: Paypro's Mpesa Query and payout query, the day index to match our
 * payout, the table to read it.
 */
export interface ReceiptDeps {
  paypro: Pick<PayproFloatApi, 'queryReceipt'> & Pick<PayproApi, 'queryPayout'>;
  secret: () => Promise<PayproSecret>;
  days: Pick<PayoutDayIndex, 'findByPlatFormTradeNo' | 'findUnreferenced'>;
  repository: Pick<PayoutReader, 'get'>;
  now: () => Date;
}

/** Paypro's answer for a receipt code, as GET /admin/mpesa-receipts/{code} shows it. */
export interface ReceiptAnswer {
  platFormTradeNo?: string;
  /** Paypro's amount as text: a string as it sent it (`100.0000`), a JSON number as read (`100`). */
  amount: string;
  /** Paypro's transaction status code, verbatim (0000 success, 0015 processing). */
  status: string;
  outcome: PayproOutcome;
  message: string;
  mpesaReceiptNumber?: string;
  /** UTC ISO when Paypro's Kenya time is readable; otherwise as Paypro sent it. */
  successTime?: string;
}

/** How the payout was matched: it stores Paypro's platFormTradeNo, or Paypro's payout query names it. */
export type ReceiptMatch = 'platFormTradeNo' | 'query';

/** GET /admin/mpesa-receipts/{code}: Paypro's answer and our payout it matches, if any. */
export interface ReceiptLookup {
  code: string;
  paypro: ReceiptAnswer;
  payout: PayoutView | null;
  /** Absent when no payout matched. */
  matchedBy?: ReceiptMatch;
  /** Why the search may have missed the payout (cut at the bound, Paypro not answering), when it may have. */
  note?: string;
}

/** A payout is created before Paypro pays it: its creation day is the payment's or, at most, two before. */
const DAYS_BEFORE_PAYMENT = 2;

/** Payouts Paypro's payout query is asked about, at most, when none stores the receipt's reference. */
export const MAX_QUERIED_CANDIDATES = 10;

// Payout queries in flight at once: two rounds at most, so the Mpesa Query and both fit in the
// function's timeout even when each takes PAYPRO_TIMEOUT_MS (serverless.yml).
const QUERY_WIDTH = 5;

// successTime is to the second, by Paypro's clock: a payout created a little after it may still be the one.
const CLOCK_SLACK_MS = 60_000;

/** Paypro's record as the reply shows it: its status read as an outcome, its time in UTC. */
function answerOf(record: ReceiptRecord): ReceiptAnswer {
  const successTime = record.successTime && (kenyaTimeToIso(record.successTime) ?? record.successTime);
  return {
    ...(record.platFormTradeNo && { platFormTradeNo: record.platFormTradeNo }),
    amount: record.amount,
    status: record.status,
    outcome: outcomeOf(record.status),
    message: record.message,
    ...(record.mpesaReceiptNumber && { mpesaReceiptNumber: record.mpesaReceiptNumber }),
    ...(successTime && { successTime }),
  };
}

/** The Kenya days a payout paid at `successTime` (today without one) may have been created on, latest first. */
function creationDays(successTime: string | undefined, now: Date): string[] {
  const paidAt = successTime ? kenyaTimeToIso(successTime) : undefined;
  const day = kenyaDate(paidAt ?? now);
  return Array.from({ length: DAYS_BEFORE_PAYMENT + 1 }, (_, n) => addDays(day, -n));
}

/**
 * `GET /admin/mpesa-receipts/{code}`: asks Paypro's Mpesa Query about a receipt code a recipient
 * quotes and finds our payout by Paypro's platFormTradeNo, or else by asking Paypro's payout query
 * about our payouts that could be it (see matchByQuery). A malformed code is a 400 and Paypro is
 * not asked; a code Paypro refuses is a 404 (ReceiptNotFoundError); Paypro unreachable, a 503.
 * A code Paypro knows that matches none of our payouts (paid from elsewhere, or before the days
 * searched) answers `payout: null`.
 */
export async function findReceipt(deps: ReceiptDeps, input: string | undefined): Promise<ReceiptLookup> {
  const code = receiptCode(input ?? '');
  if (code === undefined) {
    throw new ValidationError([
      { field: 'code', message: 'must be an M-Pesa receipt code: 10 letters and digits, e.g. SHL2A6WAQU' },
    ]);
  }
  const credentials = await deps.secret();
  let record: Awaited<ReturnType<ReceiptDeps['paypro']['queryReceipt']>>;
  try {
    record = await deps.paypro.queryReceipt(credentials, code);
  } catch (error) {
    if (!(error instanceof PayproUnknownOutcomeError)) throw error;
    throw new PayproUnavailableError(error.message, { cause: error }, 'this receipt code');
  }
  if (record.kind === 'rejected') {
    const refusal = `${record.code}${record.message ? ` ${record.message}` : ''}`;
    throw new ReceiptNotFoundError(
      `Paypro knows no M-Pesa transaction with receipt code ${code} (Paypro: ${refusal}).`,
    );
  }
  return { code, paypro: answerOf(record), ...(await matchingPayout(deps, credentials, record)) };
}

type Match = Pick<ReceiptLookup, 'payout' | 'matchedBy' | 'note'>;

/** Our payout Paypro's record names, as GET /admin/payouts/{tradeNo} shows it, and how it was found; null when none. */
async function matchingPayout(
  deps: ReceiptDeps,
  credentials: PayproCredentials,
  record: ReceiptRecord,
): Promise<Match> {
  // Paypro's reference is the only link between its record and our payout.
  if (!record.platFormTradeNo) return { payout: null };
  const days = creationDays(record.successTime, deps.now());
  const row = await deps.days.findByPlatFormTradeNo(record.platFormTradeNo, days);
  const payout = row && (await deps.repository.get(row.tradeNo));
  if (payout) return { payout: toView(payout), matchedBy: 'platFormTradeNo' };
  return matchByQuery(deps, credentials, { ...record, platFormTradeNo: record.platFormTradeNo }, days);
}

/**
 * A payout Paypro paid at once (0000 in its answer to the payout call) never stores Paypro's
 * platFormTradeNo: the answer has none, and the callback changes nothing on a SUCCEEDED payout.
 * So the payouts created on `days` (latest first, none created after the payment) with the
 * receipt's amount, a status that agrees with its outcome and no platFormTradeNo are candidates:
 * Paypro's payout query is asked about MAX_QUERIED_CANDIDATES of them at most, and the one whose
 * answer carries the receipt's platFormTradeNo is it. More candidates than that: the search is
 * cut, and the note says so; so it does when Paypro did not answer (no more are asked then).
 */
async function matchByQuery(
  deps: ReceiptDeps,
  credentials: PayproCredentials,
  record: ReceiptRecord & { platFormTradeNo: string },
  days: string[],
): Promise<Match> {
  const amount = Number(record.amount);
  // Our payouts are whole shillings: a receipt of any other amount is none of them.
  if (!Number.isSafeInteger(amount) || !sameAmount(record.amount, amount)) return { payout: null };
  const paidAt = record.successTime ? kenyaTimeToIso(record.successTime) : undefined;
  const before = paidAt && new Date(Date.parse(paidAt) + CLOCK_SLACK_MS).toISOString();
  const wanted = { amount, status: outcomeOf(record.status), ...(before && { before }) };
  const candidates = await deps.days.findUnreferenced(days, wanted, MAX_QUERIED_CANDIDATES + 1);
  const asked = candidates.slice(0, MAX_QUERIED_CANDIDATES);
  let found: string | undefined;
  let unanswered = 0;
  await forEachLimit(asked, QUERY_WIDTH, async ({ tradeNo }) => {
    // Once Paypro has not answered, the rest are not asked either: each would wait as long.
    if (found !== undefined || unanswered > 0) {
      if (found === undefined) unanswered += 1;
      return;
    }
    try {
      const answer = await deps.paypro.queryPayout(credentials, tradeNo);
      if (answer.kind === 'found' && answer.platFormTradeNo === record.platFormTradeNo) found = tradeNo;
    } catch (error) {
      if (!(error instanceof PayproUnknownOutcomeError)) throw error;
      unanswered += 1;
    }
  });
  const payout = found !== undefined ? await deps.repository.get(found) : undefined;
  if (payout) return { payout: toView(payout), matchedBy: 'query' };
  const note = missedNote(candidates.length > asked.length, amount, unanswered);
  return { payout: null, ...(note !== undefined && { note }) };
}

/** Why the search may have missed the payout: cut at the bound, or Paypro not asked about some; undefined when neither. */
function missedNote(cut: boolean, amount: number, unanswered: number): string | undefined {
  const notes: string[] = [];
  if (cut) {
    notes.push(
      `Search cut: more than ${MAX_QUERIED_CANDIDATES} of our payouts of ${amount} KES with no Paypro ` +
        `reference could be this one; Paypro was asked about the ${MAX_QUERIED_CANDIDATES} created ` +
        'latest before the payment, and none is it. Look for it by amount and time in the daily report.',
    );
  }
  if (unanswered > 0) {
    notes.push(
      `Paypro could not be asked about ${unanswered} of our payouts that could be this one (it did not ` +
        'answer); try again later.',
    );
  }
  return notes.length > 0 ? notes.join(' ') : undefined;
}
