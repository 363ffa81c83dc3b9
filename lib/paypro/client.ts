import * as z from 'zod/mini';
import { PayproUnknownOutcomeError } from '../errors';
import { type SaltPosition, type SignableFields, sign } from './sign';
import { classifyRefusal, classifyStatus, classifyThrown, unreadableAnswer } from './transport';

/** The merchant's Paypro credentials, from the secret. */
export interface PayproCredentials {
  merchantNo: string;
  appSecret: string;
}

/** What the service sends for one payout. */
export interface PayoutCall {
  tradeNo: string;
  amount: number;
  mobile: string;
  remark?: string;
  notifyUrl: string;
}

/** Paypro refused the request itself (first layer `code` other than 0000): nothing was done. */
export interface RequestRejected {
  kind: 'rejected';
  code: string;
  message: string;
}

/** Paypro accepted the payout request; `status` says what happened to the transaction. */
export interface PayoutAccepted {
  kind: 'accepted';
  serialNumber: string;
  status: string;
  message: string;
}

/** Paypro's authoritative record of a payout. */
export interface PayoutRecord {
  kind: 'found';
  platFormTradeNo?: string;
  tradeNo: string;
  amount: string;
  status: string;
  message: string;
  successTime?: string;
}

/** Paypro's first layer: whether the request was taken, and its data. */
export const envelopeSchema = z.object({
  code: z.string(),
  msg: z.nullish(z.string()),
  success: z.nullish(z.boolean()),
  data: z.unknown(),
});

const nonEmpty = () => z.string().check(z.minLength(1));

const payoutDataSchema = z.object({
  serialNumber: nonEmpty(),
  status: nonEmpty(),
  desc: z.nullish(z.string()),
});

const queryDataSchema = z.object({
  platFormTradeNo: z.nullish(z.string()),
  tradeNo: nonEmpty(),
  amount: z.union([z.number(), z.string()]),
  status: nonEmpty(),
  message: z.nullish(z.string()),
  successTime: z.nullish(z.string()),
});

/** Settings of the Paypro HTTP client. */
export interface PayproClientOptions {
  baseUrl: string;
  timeoutMs: number;
  salt: SaltPosition;
  /** Where Balance Inquiry lives, for PayproFloatClient (unconfirmed for Kenya: PAYPRO_BALANCE_PATH). */
  balancePath?: string;
  fetch?: typeof fetch;
}

/** Balance Inquiry's path when none is configured: the likeliest guess for Kenya (see the README). */
export const DEFAULT_BALANCE_PATH = '/api/queryBalance';

/** Paypro's two calls as the use cases see them (port); PayproClient is the HTTP one. */
export interface PayproApi {
  /** Asks Paypro to pay out; throws PayproUnknownOutcomeError when the outcome cannot be known. */
  payout(credentials: PayproCredentials, call: PayoutCall): Promise<PayoutAccepted | RequestRejected>;
  /** Asks Paypro what became of a payout; a first-layer refusal (e.g. unknown tradeNo) is `rejected`. */
  queryPayout(credentials: PayproCredentials, tradeNo: string): Promise<PayoutRecord | RequestRejected>;
}

/**
 * Paypro's payout and payout-query calls, with timeouts and response schemas. The balance and
 * receipt calls are PayproFloatClient's, so a payout writer's bundle does not carry them.
 */
export class PayproClient implements PayproApi {
  private readonly fetch: typeof fetch;

  constructor(protected readonly options: PayproClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Asks Paypro to pay out; throws PayproUnknownOutcomeError when the outcome cannot be known. */
  async payout(credentials: PayproCredentials, call: PayoutCall): Promise<PayoutAccepted | RequestRejected> {
    const fields: SignableFields = {
      amount: String(call.amount),
      mobile: call.mobile,
      notifyUrl: call.notifyUrl,
      remark: call.remark,
      timestamp: Date.now(),
      tradeNo: call.tradeNo,
    };
    const envelope = await this.post('/api/payout', credentials, fields);
    if (envelope.code !== '0000') return rejected(envelope);
    const data = payoutDataSchema.safeParse(envelope.data);
    if (!data.success)
      throw new PayproUnknownOutcomeError('Paypro accepted the payout but its data is unreadable.');
    return {
      kind: 'accepted',
      serialNumber: data.data.serialNumber,
      status: data.data.status,
      message: data.data.desc ?? '',
    };
  }

  /** Asks Paypro what became of a payout; a first-layer refusal (e.g. unknown tradeNo) is `rejected`. */
  async queryPayout(
    credentials: PayproCredentials,
    tradeNo: string,
  ): Promise<PayoutRecord | RequestRejected> {
    const envelope = await this.post('/api/queryPayOutResult', credentials, { tradeNo });
    if (envelope.code !== '0000') return rejected(envelope);
    const data = queryDataSchema.safeParse(envelope.data);
    if (!data.success) throw new PayproUnknownOutcomeError('Paypro answered the query with unreadable data.');
    const d = data.data;
    return {
      kind: 'found',
      ...(d.platFormTradeNo ? { platFormTradeNo: d.platFormTradeNo } : {}),
      tradeNo: d.tradeNo,
      amount: String(d.amount),
      status: d.status,
      message: d.message ?? '',
      ...(d.successTime ? { successTime: d.successTime } : {}),
    };
  }

  /** Signs `fields`, posts them to `path` and reads Paypro's envelope; PayproUnknownOutcomeError when it cannot. */
  protected async post(
    path: string,
    credentials: PayproCredentials,
    fields: SignableFields,
  ): Promise<z.infer<typeof envelopeSchema>> {
    const body = JSON.stringify({ ...fields, sign: sign(fields, credentials.appSecret, this.options.salt) });
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(`${this.options.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', merchantNo: credentials.merchantNo },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const failure = classifyThrown(error, timedOut);
      throw new PayproUnknownOutcomeError(
        timedOut
          ? `Paypro did not answer ${path} within ${this.options.timeoutMs} ms.`
          : `Paypro ${path} failed: ${failure.detail}.`,
        { cause: error, failure },
      );
    }
    const envelope = readEnvelope(text);
    const byStatus = classifyStatus(response.status, envelope.ok);
    if (byStatus) {
      throw new PayproUnknownOutcomeError(`Paypro answered ${path} with ${byStatus.detail}.`, {
        failure: byStatus,
      });
    }
    if (!envelope.ok) {
      const detail = envelope.json
        ? `Paypro answered ${path} with an unexpected shape.`
        : `Paypro answered ${path} with a body that is not JSON.`;
      throw new PayproUnknownOutcomeError(detail, { failure: unreadableAnswer(detail) });
    }
    const slowDown = envelope.data.code !== '0000' ? classifyRefusal(envelope.data.msg) : undefined;
    if (slowDown) {
      throw new PayproUnknownOutcomeError(`Paypro refused ${path}: ${slowDown.detail}.`, {
        failure: slowDown,
      });
    }
    return envelope.data;
  }
}

/** The body as Paypro's envelope, when it is one; `json` tells a JSON body of another shape from no JSON. */
function readEnvelope(
  text: string,
): { ok: true; data: z.infer<typeof envelopeSchema> } | { ok: false; json: boolean } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, json: false };
  }
  const envelope = envelopeSchema.safeParse(json);
  return envelope.success ? { ok: true, data: envelope.data } : { ok: false, json: true };
}

/** A first-layer refusal as the use cases see it. */
export function rejected(envelope: z.infer<typeof envelopeSchema>): RequestRejected {
  return { kind: 'rejected', code: envelope.code, message: envelope.msg ?? '' };
}
