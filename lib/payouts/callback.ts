import * as z from 'zod/mini';
import {
  AmountMismatchError,
  CallbackTokenError,
  PayoutNotFoundError,
  PayproUnavailableError,
  PayproUnknownOutcomeError,
  ValidationError,
} from '../errors';
import { verifyCallbackToken } from '../paypro/callback-token';
import type { PayproApi } from '../paypro/client';
import type { PayproSecret } from '../paypro/secret';
import { kenyaTimeToIso } from '../shared/kenya-time';
import { RAW_BODY_MAX_CHARS } from './payout';
import { reportFromQuery } from './query-report';
import { refuse, TRADE_NO_PATTERN, toFieldProblems } from './schema';
import { amountAgrees, type PayproReport, type SettleDeps, type SettleOutcome, settle } from './settle';

/** What handling a callback needs. */
export interface CallbackDeps extends SettleDeps {
  paypro: PayproApi;
  secret: () => Promise<PayproSecret>;
  verifyByQuery: boolean;
}

/** A callback as it arrived: the path's tradeNo and token, and the body (parsed only once authenticated). */
export interface CallbackInput {
  tradeNo: string;
  token: string;
  body: () => unknown;
  /** The body as received, for the history. */
  bodyText: string;
}

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .check(z.maxLength(max, { error: `must be at most ${max} characters` }));

/** The body of Paypro's notify (also what the API document shows for the callback route). */
export const callbackSchema = z.object({
  platFormTradeNo: z.nullish(text(128)),
  tradeNo: text(64),
  amount: z.union([z.number(), text(32)], { error: 'must be a number or a string' }),
  status: text(32).check(z.regex(/^\w+$/, { error: 'must be a status code' })),
  message: z.nullish(text(512)),
  successTime: z.pipe(
    z.nullish(z.string({ error: 'must be a string' })),
    z.transform((value, ctx) => {
      if (value === null || value === undefined || value === '') return undefined;
      const iso = kenyaTimeToIso(value);
      return iso === undefined ? refuse(ctx, 'must be a time as yyyy-MM-dd HH:mm:ss') : iso;
    }),
  ),
});

/**
 * Handles Paypro's notify: checks the token, the body, the tradeNo and the amount; then
 * (by default) asks Paypro's query API and applies *its* answer, so a forged or stale
 * callback cannot settle a payout.
 */
export async function handleCallback(deps: CallbackDeps, input: CallbackInput): Promise<SettleOutcome> {
  const secret = await deps.secret();
  if (!verifyCallbackToken(secret.callbackKey, input.tradeNo, input.token)) {
    deps.counter.count('CallbackRejected');
    throw new CallbackTokenError();
  }
  // A tradeNo we could never have issued names no payout (and is no valid DynamoDB key).
  if (!TRADE_NO_PATTERN.test(input.tradeNo)) throw new PayoutNotFoundError(input.tradeNo);
  const body = input.body();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const parsed = callbackSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(toFieldProblems(parsed.error, body as Record<string, unknown>));
  }
  const callback = parsed.data;
  if (callback.tradeNo !== input.tradeNo) {
    throw new ValidationError([{ field: 'tradeNo', message: 'must equal the tradeNo of the callback URL' }]);
  }

  const payout = await deps.repository.get(input.tradeNo);
  if (!payout) throw new PayoutNotFoundError(input.tradeNo);
  // Verified by query, the body is only a claim (anyone who learnt the URL can send one): a wrong
  // amount in it is logged and counted but not recorded; only Paypro's own answer is.
  if (!(await amountAgrees(deps, payout, callback.amount, 'callback', !deps.verifyByQuery))) {
    throw new AmountMismatchError(payout.tradeNo, payout.amount, String(callback.amount));
  }

  const received = input.bodyText.slice(0, RAW_BODY_MAX_CHARS);
  if (!deps.verifyByQuery) {
    const report: PayproReport = {
      status: callback.status,
      message: callback.message ?? '',
      ...(callback.platFormTradeNo && { platFormTradeNo: callback.platFormTradeNo }),
      ...(callback.successTime && { successTime: callback.successTime }),
    };
    return (await settle(deps, payout, report, 'callback', { raw: received })).outcome;
  }

  const answer = await queryPaypro(deps, secret, payout.tradeNo);
  if (!(await amountAgrees(deps, payout, answer.amount, 'query'))) {
    throw new AmountMismatchError(payout.tradeNo, payout.amount, answer.amount);
  }
  if (answer.status !== callback.status) {
    deps.log.warn('callback disagrees with Paypro query; applying the query', {
      tradeNo: payout.tradeNo,
      callbackStatus: callback.status,
      queryStatus: answer.status,
    });
  }
  const note = `callback said ${callback.status}; applied Paypro query`;
  return (await settle(deps, payout, answer, 'query', { note, raw: received })).outcome;
}

/** Asks Paypro for its record of a payout; any failure or refusal means "ask again later". */
async function queryPaypro(
  deps: Pick<CallbackDeps, 'paypro'>,
  secret: PayproSecret,
  tradeNo: string,
): Promise<PayproReport & { amount: string }> {
  let answer: Awaited<ReturnType<PayproApi['queryPayout']>>;
  try {
    answer = await deps.paypro.queryPayout(secret, tradeNo);
  } catch (error) {
    if (error instanceof PayproUnknownOutcomeError) {
      throw new PayproUnavailableError(`Paypro query for ${tradeNo} failed: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
  if (answer.kind === 'rejected') {
    throw new PayproUnavailableError(
      `Paypro refused the query for ${tradeNo}: ${answer.code} ${answer.message}`,
    );
  }
  return reportFromQuery(answer);
}
