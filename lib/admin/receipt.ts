import {
  PayproUnavailableError,
  PayproUnknownOutcomeError,
  ReceiptNotFoundError,
  ValidationError,
} from '../errors';
import { type PayoutView, toView } from '../payouts/payout';
import type { PayoutReader } from '../payouts/store';
import { outcomeOf, type PayproOutcome } from '../paypro/codes';
import type { PayproFloatApi, ReceiptRecord } from '../paypro/float';
import { receiptCode } from '../paypro/receipt';
import type { PayproSecret } from '../paypro/secret';
import { kenyaDate, kenyaTimeToIso } from '../shared/kenya-time';
import { addDays } from './list-payouts';
import type { PayoutDayIndex } from './repository';

/** What a receipt lookup needs: Paypro's Mpesa Query, the day index to match our payout, the table to read it. */
export interface ReceiptDeps {
  paypro: Pick<PayproFloatApi, 'queryReceipt'>;
  secret: () => Promise<PayproSecret>;
  days: Pick<PayoutDayIndex, 'findByPlatFormTradeNo'>;
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

/** GET /admin/mpesa-receipts/{code}: Paypro's answer and our payout it matches, if any. */
export interface ReceiptLookup {
  code: string;
  paypro: ReceiptAnswer;
  payout: PayoutView | null;
}

/** A payout is created before Paypro pays it: its creation day is the payment's or, at most, two before. */
const DAYS_BEFORE_PAYMENT = 2;

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
 * quotes and finds our payout by Paypro's platFormTradeNo. A malformed code is a 400 and Paypro
 * is not asked; a code Paypro refuses is a 404 (ReceiptNotFoundError); Paypro unreachable, a 503.
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
  let record: Awaited<ReturnType<ReceiptDeps['paypro']['queryReceipt']>>;
  try {
    record = await deps.paypro.queryReceipt(await deps.secret(), code);
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
  return { code, paypro: answerOf(record), payout: await matchingPayout(deps, record) };
}

/** Our payout Paypro's record names, as GET /admin/payouts/{tradeNo} shows it; null when none does. */
async function matchingPayout(deps: ReceiptDeps, record: ReceiptRecord): Promise<PayoutView | null> {
  if (!record.platFormTradeNo) return null;
  const days = creationDays(record.successTime, deps.now());
  const row = await deps.days.findByPlatFormTradeNo(record.platFormTradeNo, days);
  const payout = row && (await deps.repository.get(row.tradeNo));
  return payout ? toView(payout) : null;
}
