import { z } from 'zod';
import { type FieldProblem, ValidationError } from '../errors';

/** Amount bounds in whole Kenyan shillings. */
export interface AmountLimits {
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

// Safaricom/Airtel wallets: 254 followed by 1xxxxxxxx or 7xxxxxxxx.
const LOCAL_FORMS = [/^\+?254([17]\d{8})$/, /^0([17]\d{8})$/, /^([17]\d{8})$/];

/** Normalises a Kenyan mobile to `2547xxxxxxxx`/`2541xxxxxxxx`, or undefined when it is not one. */
export function normaliseMobile(raw: string): string | undefined {
  if (raw.length > 32) return undefined;
  const compact = raw.replace(/[\s-]/g, '');
  for (const form of LOCAL_FORMS) {
    const match = form.exec(compact);
    if (match) return `254${match[1]}`;
  }
  return undefined;
}

const WHOLE_SHILLINGS = 'must be a whole number of shillings, as an integer or a string of digits';

function amountSchema(limits: AmountLimits) {
  return z.unknown().transform((raw, ctx) => {
    const amount =
      typeof raw === 'number' && Number.isSafeInteger(raw)
        ? raw
        : typeof raw === 'string' && /^\d{1,15}$/.test(raw)
          ? Number(raw)
          : undefined;
    if (amount === undefined) {
      ctx.addIssue({ code: 'custom', message: WHOLE_SHILLINGS });
      return z.NEVER;
    }
    if (amount < limits.min || amount > limits.max) {
      ctx.addIssue({ code: 'custom', message: `must be between ${limits.min} and ${limits.max} KES` });
      return z.NEVER;
    }
    return amount;
  });
}

const mobileSchema = z.unknown().transform((raw, ctx) => {
  const mobile = typeof raw === 'string' ? normaliseMobile(raw) : undefined;
  if (mobile === undefined) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be a Kenyan mobile number such as 0712345678 or +254712345678 (2547… or 2541…, 12 digits)',
    });
    return z.NEVER;
  }
  return mobile;
});

/** The zod schema of `POST /payouts`, with amount bounds from configuration. */
export function payoutRequestSchema(limits: AmountLimits) {
  return z.strictObject({
    amount: amountSchema(limits),
    mobile: mobileSchema,
    tradeNo: z
      .string({ error: 'must be a string' })
      .regex(TRADE_NO_PATTERN, { error: 'must be 1 to 64 letters, digits, "_" or "-"' })
      .optional(),
    remark: z
      .string({ error: 'must be a string' })
      .max(REMARK_MAX_LENGTH, { error: `must be at most ${REMARK_MAX_LENGTH} characters` })
      .optional(),
  });
}

/** Turns zod's issues into one problem per field, unknown keys each named. */
export function toFieldProblems(error: z.ZodError, body: Record<string, unknown>): FieldProblem[] {
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

/** Validates a parsed JSON body; throws ValidationError listing every problem. */
export function parsePayoutRequest(body: unknown, limits: AmountLimits): PayoutRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const parsed = payoutRequestSchema(limits).safeParse(body);
  if (!parsed.success)
    throw new ValidationError(toFieldProblems(parsed.error, body as Record<string, unknown>));
  const { amount, mobile, tradeNo, remark } = parsed.data;
  return { amount, mobile, ...(tradeNo !== undefined && { tradeNo }), ...(remark ? { remark } : {}) };
}
