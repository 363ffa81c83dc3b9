import type { FloatBalance } from './float-answers';

/*
 * Paypro's balance answer has no Kenya documentation: other countries send the three figures as
 * strings, a sibling platform as numbers, and Indonesia spells the first `availablAmount`. A
 * balance we cannot read must never read as zero (every batch would wait) or as plenty (a batch
 * would be sent that cannot be paid), so anything else is unreadable, not guessed. That includes
 * a figure too large to be a float: "1" and 400 zeros is Infinity to Number(), which would cover
 * any batch, and a figure past 2^53 cents is no longer exact.
 */

/**
 * The largest figure read, KES: a trillion, far above any merchant's float, and in whole cents
 * (10^14) well inside the integers a double holds exactly.
 */
export const MAX_BALANCE_KES = 1e12;

// Whole shillings and at most 2 decimals, as every amount here is; trailing zeros past them
// (Paypro's payout query writes amounts with 4) change nothing and are read.
const DECIMAL = /^\d+(\.\d{1,2}0*)?$/;

/** A figure from a JSON number or a decimal string, 0 to MAX_BALANCE_KES with at most 2 decimals; undefined otherwise. */
function amountOf(value: unknown): number | undefined {
  // A number as JavaScript writes it: 1e+21 or 5e-7 fail the pattern, as the strings do.
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!DECIMAL.test(text)) return undefined;
  const amount = Number(text);
  return Number.isFinite(amount) && amount <= MAX_BALANCE_KES ? amount : undefined;
}

/**
 * Reads Paypro's balance `data`: `availableAmount` (or `availablAmount`) is required; a missing
 * `freezeAmount` or `unsettledAmount` counts as 0 (they only inform). Undefined when unreadable.
 */
export function parseBalance(data: unknown): FloatBalance | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const fields = data as Record<string, unknown>;
  const available = amountOf(fields.availableAmount ?? fields.availablAmount);
  const frozen = fields.freezeAmount == null ? 0 : amountOf(fields.freezeAmount);
  const unsettled = fields.unsettledAmount == null ? 0 : amountOf(fields.unsettledAmount);
  if (available === undefined || frozen === undefined || unsettled === undefined) return undefined;
  return { available, frozen, unsettled };
}
