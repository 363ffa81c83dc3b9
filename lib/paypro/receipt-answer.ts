import * as z from 'zod/mini';

/** An M-Pesa receipt code as recipients see it in the SMS: 10 capital letters and digits (e.g. SHL2A6WAQU). */
export const RECEIPT_CODE = /^[A-Z0-9]{10}$/;

/** The code in the form Paypro and M-Pesa use (trimmed, upper case), or undefined when it cannot be one. */
export function receiptCode(input: string): string | undefined {
  const code = input.trim();
  // Checked before upper-casing: 'ß' upper-cases to 'SS', which would turn 9 characters into a code.
  return /^[A-Za-z0-9]{10}$/.test(code) ? code.toUpperCase() : undefined;
}

/** Paypro's `data` for an M-Pesa receipt code. */
export const receiptDataSchema = z.object({
  platFormTradeNo: z.nullish(z.string()),
  amount: z.union([z.number(), z.string()]),
  status: z.string().check(z.minLength(1)),
  message: z.nullish(z.string()),
  mpesaReceiptNumber: z.nullish(z.string()),
  successTime: z.nullish(z.string()),
});
