import type { PayproCredentials, RequestRejected } from './client';

/**
 * Paypro's balance for the merchant (Balance Inquiry), in Kenyan shillings. `available` is what
 * payouts may still draw on; `frozen` is held by Paypro; `unsettled` has come in and is not yet
 * available (T+1 on the sibling platform).
 */
export interface FloatBalance {
  available: number;
  frozen: number;
  unsettled: number;
}

/** Paypro's answer to an M-Pesa receipt code (Mpesa Query): the transaction that code belongs to. */
export interface ReceiptRecord {
  kind: 'found';
  platFormTradeNo?: string;
  amount: string;
  status: string;
  message: string;
  mpesaReceiptNumber?: string;
  /** Kenya time, `yyyy-MM-dd HH:mm:ss`, as Paypro sends it. */
  successTime?: string;
}

/** Paypro's balance and M-Pesa receipt calls as the use cases see them (port); PayproClient is the HTTP one. */
export interface PayproFloatApi {
  /** The merchant's balance now; FloatUnreadableError when Paypro cannot be asked or its answer is unreadable. */
  queryBalance(credentials: PayproCredentials): Promise<FloatBalance>;
  /** What Paypro knows of an M-Pesa receipt code; `rejected` when it refuses the request (e.g. an unknown code). */
  queryReceipt(credentials: PayproCredentials, code: string): Promise<ReceiptRecord | RequestRejected>;
}
