import type * as z from 'zod/mini';
import { FloatUnreadableError, PayproUnknownOutcomeError } from '../errors';
import { parseBalance } from './balance-answer';
import {
  DEFAULT_BALANCE_PATH,
  type envelopeSchema,
  PayproClient,
  type PayproCredentials,
  type RequestRejected,
  rejected,
} from './client';
import type { FloatBalance, PayproFloatApi, ReceiptRecord } from './float-answers';
import { receiptDataSchema } from './receipt-answer';

/** Paypro's payout calls plus Balance Inquiry and Mpesa Query, with the same signing and timeouts. */
export class PayproFloatClient extends PayproClient implements PayproFloatApi {
  /** The merchant's balance now; FloatUnreadableError when Paypro cannot be asked or its answer is unreadable. */
  async queryBalance(credentials: PayproCredentials): Promise<FloatBalance> {
    const path = this.options.balancePath ?? DEFAULT_BALANCE_PATH;
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      envelope = await this.post(path, credentials, { timestamp: Date.now() });
    } catch (error) {
      throw new FloatUnreadableError(`Paypro's balance could not be read (${path}).`, { cause: error });
    }
    if (envelope.code !== '0000') {
      throw new FloatUnreadableError(`Paypro refused the balance inquiry (${path}): code ${envelope.code}.`);
    }
    const balance = parseBalance(envelope.data);
    if (!balance)
      throw new FloatUnreadableError(
        `Paypro answered the balance inquiry (${path}) with unreadable figures.`,
      );
    return balance;
  }

  /** What Paypro knows of an M-Pesa receipt code; `rejected` when it refuses the request (e.g. an unknown code). */
  async queryReceipt(credentials: PayproCredentials, code: string): Promise<ReceiptRecord | RequestRejected> {
    const envelope = await this.post('/api/queryResultByCode', credentials, { code, timestamp: Date.now() });
    if (envelope.code !== '0000') return rejected(envelope);
    const data = receiptDataSchema.safeParse(envelope.data);
    if (!data.success)
      throw new PayproUnknownOutcomeError('Paypro answered the receipt query with unreadable data.');
    const d = data.data;
    return {
      kind: 'found',
      ...(d.platFormTradeNo ? { platFormTradeNo: d.platFormTradeNo } : {}),
      amount: String(d.amount),
      status: d.status,
      message: d.message ?? '',
      ...(d.mpesaReceiptNumber ? { mpesaReceiptNumber: d.mpesaReceiptNumber } : {}),
      ...(d.successTime ? { successTime: d.successTime } : {}),
    };
  }
}
