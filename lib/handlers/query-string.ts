/*
 * The one rule every route's query string follows: integers in plain decimal digits (not 0x10,
 * 1e1, +5 or " 5", which Number() would take), and no parameter the route does not take. The
 * routes' own parsers (lib/admin/schema.ts, lib/batches/read.ts) and the handlers of routes that
 * take none apply it, so a typo in a parameter's name is a 400 rather than silently ignored.
 * A parameter given twice (?limit=0x10&limit=5) is a 400 naming it, on every route
 * (httpHandler): API Gateway would hand the route the last value only, as JSON.parse keeps the
 * last of a key given twice (duplicate-keys.ts).
 */
import { type FieldProblem, ValidationError } from '../errors';

// At most 15 digits: every such number is a safe integer.
const DECIMAL_DIGITS = /^[0-9]{1,15}$/;

/** The number `text` writes in plain decimal digits, when it is one from `min` to `max`; else undefined. */
export function decimalInteger(text: string, min: number, max: number): number | undefined {
  if (!DECIMAL_DIGITS.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/** What a 400 says of an integer parameter that is not one from `min` to `max` in decimal digits. */
export function decimalIntegerMessage(min: number, max: number): string {
  return `must be a whole number from ${min} to ${max}, in decimal digits`;
}

/** One problem per parameter of `query` that is not in `known`, named as the caller sent it. */
export function unknownParameters(
  query: Record<string, string | undefined> | null | undefined,
  known: readonly string[],
): FieldProblem[] {
  return Object.keys(query ?? {})
    .filter((name) => !known.includes(name))
    .map((name) => ({ field: name === '' ? '""' : name, message: 'is not a parameter of this route' }));
}

/** For a route that takes no query parameters: ValidationError naming each one sent. */
export function refuseQueryParameters(query: Record<string, string | undefined> | null | undefined): void {
  const problems = unknownParameters(query, []);
  if (problems.length > 0) throw new ValidationError(problems);
}

/** ValidationError naming each parameter API Gateway received more than once; nothing when none was. */
export function refuseRepeatedParameters(
  multi: Record<string, string[] | undefined> | null | undefined,
): void {
  const problems = Object.entries(multi ?? {})
    .filter(([, values]) => (values?.length ?? 0) > 1)
    .map(([name]) => ({ field: name === '' ? '""' : name, message: 'is given more than once' }));
  if (problems.length > 0) throw new ValidationError(problems);
}
