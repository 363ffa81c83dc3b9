/*
 * The sandbox's merchant balance and M-Pesa receipts: POST /api/queryBalance (Balance Inquiry, at
 * the configured balancePath), POST /api/queryResultByCode (Mpesa Query), the sandbox-only
 * /sandbox/balance routes, and the debits, credits and receipt codes the payout routes apply.
 */
import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { kenyaTime } from '../../lib/shared/kenya-time';
import {
  ACCEPTED,
  checkRequest,
  ERRORS,
  type Fault,
  type Reply,
  type SandboxPayout,
  type SandboxRequest,
  type SandboxState,
} from './paypro-sandbox-model';
import { writeJson } from './paypro-sandbox-wire';
import { readBody } from './read-body';

/** The merchant's balance as the sandbox reports it, KES; it models no frozen or unsettled money. */
export interface SandboxBalance {
  available: number;
  frozen: number;
  unsettled: number;
}

/** The balance a sandbox starts with when none is given: plenty for any local run. */
export const DEFAULT_SANDBOX_BALANCE = 1_000_000_000;

const RECEIPT_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const RECEIPT_CHARS = `${RECEIPT_LETTERS}0123456789`;

/** Whole cents of a non-negative KES amount. */
export function toCents(kes: number): number {
  return Math.round(kes * 100);
}

/** The balance now, in KES. */
export function balanceOf(state: SandboxState): SandboxBalance {
  return { available: state.availableCents / 100, frozen: 0, unsettled: 0 };
}

/** Takes a payout's amount off the balance; false (nothing taken) when the balance cannot cover it. */
export function debit(state: SandboxState, amount: string): boolean {
  const cents = Number(amount) * 100;
  if (!(cents <= state.availableCents)) return false;
  state.availableCents -= cents;
  return true;
}

/** Gives a debited payout's amount back (it ended in failure). */
export function credit(state: SandboxState, amount: string): void {
  state.availableCents += Number(amount) * 100;
}

/** Gives a paid payout its M-Pesa receipt code, once: 10 capitals and digits, unique in this sandbox. */
export function assignReceipt(state: SandboxState, record: SandboxPayout): void {
  if (state.receipts.has(record.tradeNo)) return;
  let code: string;
  do {
    // A letter first, as M-Pesa's codes have (e.g. SHL2A6WAQU).
    code = RECEIPT_LETTERS[randomInt(RECEIPT_LETTERS.length)] ?? 'S';
    while (code.length < 10) code += RECEIPT_CHARS[randomInt(RECEIPT_CHARS.length)];
  } while (state.receiptTrades.has(code));
  state.receipts.set(record.tradeNo, code);
  state.receiptTrades.set(code, record.tradeNo);
}

/** POST {balancePath}: Balance Inquiry, signed over {timestamp}; the three figures as strings. */
export async function queryBalance(
  state: SandboxState,
  { merchantNo, body }: SandboxRequest,
): Promise<Reply | Fault> {
  state.balanceCalls += 1;
  if (state.balanceFailure === 'http500') return { fault: 'http500' };
  if (state.balanceFailure === 'timeout') {
    // Never answers; close() destroys the socket, then this resolves.
    await state.closing;
    return { fault: 'reset' };
  }
  const refusal = checkRequest(state.options, merchantNo, body);
  if (refusal) return refusal;
  if (body?.timestamp === undefined) return ERRORS.paramError;
  const data = {
    availableAmount:
      state.balanceFailure === 'overflow' ? `1${'0'.repeat(400)}` : (state.availableCents / 100).toFixed(2),
    freezeAmount: '0.00',
    unsettledAmount: '0.00',
  };
  return { ...ACCEPTED, data: JSON.stringify(data) };
}

/** POST /api/queryResultByCode: the paid payout an M-Pesa receipt code belongs to; 1005 for an unknown code. */
export async function queryResultByCode(
  state: SandboxState,
  { merchantNo, body }: SandboxRequest,
): Promise<Reply> {
  const refusal = checkRequest(state.options, merchantNo, body);
  if (refusal) return refusal;
  const code = body?.code;
  if (typeof code !== 'string' || code === '' || body?.timestamp === undefined) return ERRORS.paramError;
  const tradeNo = state.receiptTrades.get(code);
  const record = tradeNo === undefined ? undefined : state.payouts.get(tradeNo);
  if (!record) return ERRORS.orderNotExist;
  // Same amount format as the payout query: a JSON number with four decimals.
  const fields = [
    `"platFormTradeNo":${JSON.stringify(record.platFormTradeNo)}`,
    `"amount":${record.amount}.0000`,
    `"status":${JSON.stringify(record.status)}`,
    `"message":${JSON.stringify(record.message)}`,
    `"mpesaReceiptNumber":${JSON.stringify(code)}`,
    `"successTime":${record.successTime ? JSON.stringify(kenyaTime(record.successTime)) : 'null'}`,
  ].join(',');
  return { ...ACCEPTED, data: `{${fields}}` };
}

const RECEIPTS_PATH = '/sandbox/receipts/';

/**
 * Sandbox-only, not Paypro's: GET /sandbox/receipts/{tradeNo} answers `{"code": …}`, the M-Pesa
 * receipt code the recipient of that paid payout would quote (404 before it is paid), so a person
 * trying the receipt lookup under npm start has a code to look up.
 */
function serveReceiptOf(state: SandboxState, tradeNo: string, res: ServerResponse): void {
  const code = state.receipts.get(tradeNo);
  if (code === undefined)
    writeJson(res, 404, JSON.stringify({ error: 'no receipt: not paid by this sandbox' }));
  else writeJson(res, 200, JSON.stringify({ code }));
}

/**
 * Sandbox-only, not Paypro's: GET /sandbox/receipts/{tradeNo} (above); GET /sandbox/balance reads the balance, POST /sandbox/balance
 * `{"available": n}` (n a non-negative number of KES) sets it. False when the request is neither.
 */
export function serveSandboxBalance(state: SandboxState, req: IncomingMessage, res: ServerResponse): boolean {
  const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
  if (req.method === 'GET' && path.startsWith(RECEIPTS_PATH)) {
    serveReceiptOf(state, decodeURIComponent(path.slice(RECEIPTS_PATH.length)), res);
    return true;
  }
  if (path !== '/sandbox/balance') return false;
  if (req.method === 'GET') {
    writeJson(res, 200, JSON.stringify(balanceOf(state)));
  } else if (req.method === 'POST') {
    void setFromRequest(state, req, res).catch(() => writeJson(res, 500, '{"error":"sandbox error"}'));
  } else {
    writeJson(res, 405, JSON.stringify({ error: 'GET or POST' }));
  }
  return true;
}

async function setFromRequest(state: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const available = availableFrom(await readBody(req, 4096));
  if (available === undefined) {
    writeJson(res, 400, JSON.stringify({ error: 'Send {"available": n}, n a non-negative number of KES.' }));
    return;
  }
  state.availableCents = toCents(available);
  writeJson(res, 200, JSON.stringify(balanceOf(state)));
}

/** The `available` of a `{"available": n}` body when n is a finite non-negative number. */
function availableFrom(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { available } = parsed as { available?: unknown };
  return isBalance(available) ? available : undefined;
}

/** A balance the sandbox can hold: a finite, non-negative number of KES. */
export function isBalance(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
