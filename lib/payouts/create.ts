import { createHash, randomInt } from 'node:crypto';
import {
  PayoutConflictError,
  PayoutExistsError,
  PayproUnknownOutcomeError,
  StaleStateError,
  StoreUnavailableError,
} from '../errors';
import type { Log } from '../logger';
import { notifyUrl } from '../paypro/callback-token';
import type { PayoutAccepted, PayproClient, RequestRejected } from '../paypro/client';
import { outcomeOf } from '../paypro/codes';
import type { PayproSecret } from '../paypro/secret';
import { maskMobile, type Payout } from './payout';
import type { PayoutRepository } from './repository';
import type { PayoutRequest } from './schema';

/** What creating a payout needs from the outside world. */
export interface CreatePayoutDeps {
  repository: PayoutRepository;
  paypro: PayproClient;
  secret: () => Promise<PayproSecret>;
  publicBaseUrl: string;
  log: Log;
  now: () => Date;
}

/**
 * `created`: this call recorded and sent the payout; `replayed`: an identical request
 * had already created it; `pending`: recorded, but whether Paypro has it is not known yet.
 */
export type CreateOutcome = 'created' | 'replayed' | 'pending';

const KENYA_OFFSET_MS = 3 * 60 * 60 * 1000;

/** A tradeNo as Paypro recommends: `yyyyMMddHHmmss` (Kenya time) + 6 random digits. */
export function generateTradeNo(now: Date): string {
  const stamp = new Date(now.getTime() + KENYA_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/** Fingerprint of what a payout pays, so a retry can be told from a different payout. */
export function requestHash(request: Omit<PayoutRequest, 'tradeNo'>): string {
  const canonical = JSON.stringify([request.amount, request.mobile, request.remark ?? '']);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Records the payout as PENDING before anything is sent, sends it to Paypro at most
 * once, and records Paypro's answer. Identical retries get the stored payout back.
 */
export async function createPayout(
  deps: CreatePayoutDeps,
  request: PayoutRequest,
): Promise<{ outcome: CreateOutcome; payout: Payout }> {
  const now = deps.now;
  const tradeNo = request.tradeNo ?? generateTradeNo(now());
  const hash = requestHash(request);
  const context = { tradeNo, mobile: maskMobile(request.mobile), amount: request.amount };

  // Read before writing: without the secret nothing could be sent, so nothing is recorded.
  const secret = await deps.secret();

  const createdAt = now().toISOString();
  const pending: Payout = {
    tradeNo,
    amount: request.amount,
    mobile: request.mobile,
    ...(request.remark !== undefined && { remark: request.remark }),
    status: 'PENDING',
    requestHash: hash,
    paypro: {},
    createdAt,
    updatedAt: createdAt,
    history: [{ at: createdAt, source: 'api', status: 'PENDING', note: 'payout requested' }],
  };
  try {
    await deps.repository.create(pending);
  } catch (error) {
    if (!(error instanceof PayoutExistsError)) throw error;
    return replay(deps, tradeNo, hash);
  }

  const sentAt = now().toISOString();
  try {
    await deps.repository.markSent(tradeNo, sentAt);
  } catch (error) {
    // Unmarked means unsent: the reconciler may send it later, so leaving it PENDING is safe.
    deps.log.error('could not mark payout as sent; not sending it now', { ...context, error });
    return { outcome: 'pending', payout: pending };
  }

  let answer: PayoutAccepted | RequestRejected;
  try {
    answer = await deps.paypro.payout(secret, {
      tradeNo,
      amount: request.amount,
      mobile: request.mobile,
      ...(request.remark !== undefined && { remark: request.remark }),
      notifyUrl: notifyUrl(deps.publicBaseUrl, secret.callbackKey, tradeNo),
    });
  } catch (error) {
    if (!(error instanceof PayproUnknownOutcomeError)) throw error;
    return unknownOutcome(deps, { ...pending, sentAt }, error, context);
  }
  return recordAnswer(deps, { ...pending, sentAt }, answer, context);
}

async function replay(
  deps: CreatePayoutDeps,
  tradeNo: string,
  hash: string,
): Promise<{ outcome: CreateOutcome; payout: Payout }> {
  const existing = await deps.repository.get(tradeNo);
  if (!existing) throw new StoreUnavailableError(`Payout ${tradeNo} exists but could not be read back.`);
  if (existing.requestHash !== hash) throw new PayoutConflictError(tradeNo);
  return { outcome: 'replayed', payout: existing };
}

async function unknownOutcome(
  deps: CreatePayoutDeps,
  payout: Payout,
  error: PayproUnknownOutcomeError,
  context: Record<string, unknown>,
): Promise<{ outcome: CreateOutcome; payout: Payout }> {
  deps.log.warn('payout outcome unknown; left PENDING for the reconciler', {
    ...context,
    reason: error.message,
  });
  const at = deps.now().toISOString();
  const entry = { at, source: 'paypro-payout' as const, note: `outcome unknown: ${error.message}` };
  try {
    await deps.repository.appendHistory(payout.tradeNo, entry, at);
    return { outcome: 'pending', payout: { ...payout, updatedAt: at, history: [...payout.history, entry] } };
  } catch (noteError) {
    deps.log.error('could not note the unknown outcome', { ...context, error: noteError });
    return { outcome: 'pending', payout };
  }
}

async function recordAnswer(
  deps: CreatePayoutDeps,
  payout: Payout,
  answer: PayoutAccepted | RequestRejected,
  context: Record<string, unknown>,
): Promise<{ outcome: CreateOutcome; payout: Payout }> {
  const at = deps.now().toISOString();
  const to = answer.kind === 'accepted' ? outcomeOf(answer.status) : 'FAILED';
  const paypro =
    answer.kind === 'accepted'
      ? { serialNumber: answer.serialNumber, code: answer.status, message: answer.message }
      : { code: answer.code, message: answer.message };
  const note = answer.kind === 'accepted' ? 'payout accepted by Paypro' : 'payout request rejected by Paypro';
  try {
    const updated = await deps.repository.transition(payout.tradeNo, {
      to,
      at,
      paypro,
      entry: { at, source: 'paypro-payout', status: to, code: paypro.code, message: paypro.message, note },
    });
    deps.log.info('payout sent', { ...context, status: to, code: paypro.code });
    return { outcome: 'created', payout: updated };
  } catch (error) {
    if (error instanceof StaleStateError) {
      // A callback got there first; its state stands and is what the app sees.
      const current = await deps.repository.get(payout.tradeNo);
      if (current) return { outcome: 'created', payout: current };
    }
    deps.log.error('payout sent but its answer could not be recorded; the reconciler will settle it', {
      ...context,
      code: paypro.code,
      error,
    });
    return { outcome: 'pending', payout };
  }
}
