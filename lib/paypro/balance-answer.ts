import type { FloatBalance } from './float-answers';

/*
 * Paypro's balance answer has no Kenya documentation: other countries send the three figures as
 * strings, a sibling platform as numbers, and Indonesia spells the first `availablAmount`. A
 * balance we cannot read must never read as zero (every batch would wait) or as plenty (a batch
 * would be sent that cannot be paid), so anything else is unreadable, not guessed.
 */

const DECIMAL = /^\d+(\.\d+)?$/;

/** A non-negative amount from a JSON number or a decimal string; undefined otherwise. */
function amountOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value.trim());
  return undefined;
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
