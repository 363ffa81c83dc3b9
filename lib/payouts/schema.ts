// zod/mini: the same zod, tree-shakable, so each function bundle carries only what it uses.
import * as z from 'zod/mini';
import type { JSONSchema } from 'zod/v4/core';
import { type FieldProblem, ValidationError } from '../errors';

/** Amount bounds in whole Kenyan shillings. */
export interface AmountBounds {
  min: number;
  max: number;
}

/** A payout request after validation and normalisation. */
export interface PayoutRequest {
  amount: number;
  mobile: string;
  tradeNo?: string;
  remark?: string;
}

export const TRADE_NO_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const REMARK_MAX_LENGTH = 100;

/** Longest mobile accepted as typed, separators included. */
export const MOBILE_MAX_LENGTH = 32;

/**
 * A Safaricom/Airtel wallet as typed: `+254`, `254`, `0` or nothing, then 1xxxxxxxx or
 * 7xxxxxxxx (captured), with spaces (U+0020) and hyphens (`-`) allowed anywhere — only those:
 * `\s` would also let a tab, a line break, a no-break space or a byte order mark through, which
 * nobody types between digits and which hide in logs and spreadsheets. One regex, so that the
 * API document states the very rule the check applies.
 */
export const MOBILE_PATTERN = /^[ -]*(?:(?:\+[ -]*)?2[ -]*5[ -]*4[ -]*|0[ -]*)?([17](?:[ -]*\d){8})[ -]*$/;

// A control character (but tab, line feed, carriage return: a textarea's) or half of a surrogate
// pair: neither is text, both hide in logs and the console. `u`: a whole pair is one code point.
const NOT_TEXT = /(?![\t\n\r])\p{Cc}|\p{Cs}/u;
// What shows nothing: controls, format characters (zero-width ones, bidi marks), separators and
// spaces of every kind, and what Unicode says to ignore when it cannot be shown.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\s\p{Default_Ignorable_Code_Point}]/gu;

/**
 * Why an operator acts, in their words (resolve, resend, approve, cancel): the one rule for every
 * audit reason. 1 to `maxLength` characters, no control character or lone surrogate, and at least
 * one visible character: "\u200b" or "\u2060\u200c" records no reason at all.
 */
export function operatorTextSchema(maxLength: number) {
  return z.string({ error: 'must be a string' }).check(
    z.minLength(1, { error: 'must not be empty' }),
    z.maxLength(maxLength, { error: `must be at most ${maxLength} characters` }),
    // What the API document can state of the rule; the two checks below are the rest.
    z.regex(/\S/, { error: 'must not be blank', abort: true }),
    z.refine((text) => !NOT_TEXT.test(text), {
      error: 'must not contain control characters or unpaired surrogates',
      abort: true,
    }),
    z.refine((text) => text.replace(INVISIBLE, '') !== '', { error: 'must not be blank' }),
  );
}

/** Normalises a Kenyan mobile to `2547xxxxxxxx`/`2541xxxxxxxx`, or undefined when it is not one. */
export function normaliseMobile(input: string): string | undefined {
  if (input.length > MOBILE_MAX_LENGTH) return undefined;
  const match = MOBILE_PATTERN.exec(input);
  return match ? `254${match[1]?.replace(/[ -]/g, '')}` : undefined;
}

/** An amount sent as text: digits only, at most 15 (so it stays a safe integer). */
export const AMOUNT_DIGITS = /^\d{1,15}$/;

const WHOLE_SHILLINGS = 'must be a whole number of shillings, as an integer or a string of digits';
const NOT_A_MOBILE =
  'must be a Kenyan mobile number such as 0712345678 or +254712345678 (2547… or 2541…, 12 digits)';

/** Records a problem with the value in hand from inside a transform; the result is discarded. */
export function refuse(ctx: z.core.ParsePayload, message: string): never {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
}

function amountSchema(bounds: AmountBounds) {
  return z.pipe(
    z.unknown(),
    z.transform((raw, ctx) => {
      const amount =
        typeof raw === 'number' && Number.isSafeInteger(raw)
          ? raw
          : typeof raw === 'string' && AMOUNT_DIGITS.test(raw)
            ? Number(raw)
            : undefined;
      if (amount === undefined) return refuse(ctx, WHOLE_SHILLINGS);
      if (amount < bounds.min || amount > bounds.max) {
        return refuse(ctx, `must be between ${bounds.min} and ${bounds.max} KES`);
      }
      return amount;
    }),
  );
}

function mobileSchema() {
  return z.pipe(
    z.unknown(),
    z.transform((raw, ctx) => {
      const mobile = typeof raw === 'string' ? normaliseMobile(raw) : undefined;
      return mobile === undefined ? refuse(ctx, NOT_A_MOBILE) : mobile;
    }),
  );
}

/**
 * The zod schema of `POST /payouts`, with amount bounds from configuration. Built on call, not
 * at import: esbuild keeps any top-level zod call, and get-payout imports this module only for
 * TRADE_NO_PATTERN.
 */
export function payoutRequestSchema(bounds: AmountBounds) {
  return z.strictObject({
    amount: amountSchema(bounds),
    mobile: mobileSchema(),
    tradeNo: z.optional(
      z
        .string({ error: 'must be a string' })
        .check(z.regex(TRADE_NO_PATTERN, { error: 'must be 1 to 64 letters, digits, "_" or "-"' })),
    ),
    remark: z.optional(
      z
        .string({ error: 'must be a string' })
        .check(z.maxLength(REMARK_MAX_LENGTH, { error: `must be at most ${REMARK_MAX_LENGTH} characters` })),
    ),
  });
}

/*
 * amount and mobile are checked in transforms, which zod cannot turn into JSON Schema. These
 * state the same rules for the API document (contract/), from the same regexes and bounds;
 * no handler imports them, so they stay out of the function bundles.
 */

/** JSON Schema of what `amount` accepts, for the API document. */
export function amountInputSchema(bounds: AmountBounds): JSONSchema.JSONSchema {
  return {
    description: `Whole shillings (KES), from ${bounds.min} to ${bounds.max}: an integer, or a string of digits.`,
    anyOf: [
      { type: 'integer', minimum: bounds.min, maximum: bounds.max },
      { type: 'string', pattern: AMOUNT_DIGITS.source },
    ],
  };
}

/** JSON Schema of what `mobile` accepts, for the API document. */
export function mobileInputSchema(): JSONSchema.JSONSchema {
  return {
    description:
      'A Kenyan M-Pesa number: 0712345678, 0112345678, 712345678, +254712345678 or 254712345678, ' +
      'spaces and hyphens (-) allowed, no other separator. Stored as 2547…/2541… ' +
      '(12 digits); replies show it masked.',
    type: 'string',
    maxLength: MOBILE_MAX_LENGTH,
    pattern: MOBILE_PATTERN.source,
    examples: ['0712345678', '+254 712 345 678'],
  };
}

/** Turns zod's issues into one problem per field, unknown keys each named. */
export function toFieldProblems(error: z.core.$ZodError, body: Record<string, unknown>): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      // An empty key still needs a visible name.
      return issue.keys.map((key) => ({ field: key === '' ? '""' : key, message: 'is not a known field' }));
    }
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    const top = issue.path[0];
    const missing = typeof top === 'string' && !Object.hasOwn(body, top);
    return [{ field, message: missing ? 'is required' : issue.message }];
  });
}

// Building the schema costs ~50-100 µs, parsing with it ~5 µs: keep the one for the configured amount bounds.
let cached: { min: number; max: number; schema: ReturnType<typeof payoutRequestSchema> } | undefined;

function schemaFor(bounds: AmountBounds) {
  if (cached?.min !== bounds.min || cached.max !== bounds.max) {
    cached = { min: bounds.min, max: bounds.max, schema: payoutRequestSchema(bounds) };
  }
  return cached.schema;
}

/** Validates a parsed JSON body; throws ValidationError listing every problem. */
export function parsePayoutRequest(body: unknown, bounds: AmountBounds): PayoutRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const parsed = schemaFor(bounds).safeParse(body);
  if (!parsed.success)
    throw new ValidationError(toFieldProblems(parsed.error, body as Record<string, unknown>));
  const { amount, mobile, tradeNo, remark } = parsed.data;
  return { amount, mobile, ...(tradeNo !== undefined && { tradeNo }), ...(remark ? { remark } : {}) };
}
