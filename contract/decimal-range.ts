/*
 * A regular expression for the decimal digit strings whose value lies in a range, so that the
 * document can bound an amount given as text exactly as the service bounds it (which reads the
 * digits as a number and compares), instead of only saying "digits".
 */

const allDigits = (text: string, digit: string) => [...text].every((c) => c === digit);

/** Alternatives matching every digit string of `low`'s length from `low` to `high` (same length). */
function sameLength(low: string, high: string): string[] {
  if (low === high) return [low];
  const rest = low.length - 1;
  const [first, last] = [Number(low[0]), Number(high[0])];
  if (first === last) return sameLength(low.slice(1), high.slice(1)).map((tail) => `${first}${tail}`);
  const any = rest === 0 ? '' : rest === 1 ? '\\d' : `\\d{${rest}}`;
  const parts: string[] = [];
  let from = first;
  if (!allDigits(low.slice(1), '0')) {
    parts.push(...sameLength(low.slice(1), '9'.repeat(rest)).map((tail) => `${first}${tail}`));
    from = first + 1;
  }
  const upperFull = allDigits(high.slice(1), '9');
  const to = upperFull ? last : last - 1;
  if (from <= to) parts.push(`${from === to ? from : `[${from}-${to}]`}${any}`);
  if (!upperFull) parts.push(...sameLength('0'.repeat(rest), high.slice(1)).map((tail) => `${last}${tail}`));
  return parts;
}

/**
 * A pattern matching exactly the strings of digits (leading zeros allowed) whose value is from
 * `min` to `max`; the length limit, if any, is the caller's (`maxLength`).
 */
export function digitRangePattern(min: number, max: number): string {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || min > max) {
    throw new RangeError(`not a range of whole numbers: ${min} to ${max}`);
  }
  const alternatives: string[] = [];
  for (let length = String(min).length; length <= String(max).length; length += 1) {
    const low = Math.max(min, length === 1 ? 0 : 10 ** (length - 1));
    const high = Math.min(max, 10 ** length - 1);
    alternatives.push(...sameLength(String(low), String(high)));
  }
  return `^0*(?:${alternatives.join('|')})$`;
}
