/*
 * The sandbox's payout routes: POST /api/payout (accepted once per tradeNo, its outcome scripted
 * by mobile, paid from the merchant's balance) and POST /api/queryPayOutResult (the authoritative
 * state), with injected faults.
 */
import { randomBytes } from 'node:crypto';
import type { SignableFields } from '../../lib/paypro/sign';
import { notify } from './paypro-sandbox-callbacks';
import { assignReceipt, credit, debit } from './paypro-sandbox-float';
import {
  ACCEPTED,
  checkRequest,
  ERRORS,
  type Fault,
  type Reply,
  resultJson,
  SANDBOX_MOBILES,
  type SandboxPayout,
  type SandboxRequest,
  type SandboxState,
  STATUS,
  schedule,
  sleep,
} from './paypro-sandbox-model';

/** POST /api/payout: applies failPayouts, or else answers as Paypro would. */
export async function payout(state: SandboxState, request: SandboxRequest): Promise<Reply | Fault> {
  const { body } = request;
  // Counted before any check or fault so tests can prove a client sent a tradeNo exactly once.
  if (typeof body?.tradeNo === 'string') {
    state.calls.set(body.tradeNo, (state.calls.get(body.tradeNo) ?? 0) + 1);
  }
  const failure = state.payoutFailure;
  if (failure === 'http500' || failure === 'reset') return { fault: failure };
  const reply = await acceptPayout(state, request);
  if (failure === 'garbage') return { fault: 'garbage' };
  // Valid JSON, request accepted, but `data` is not what Paypro documents.
  if (failure === 'wrongShape' && reply.code === ACCEPTED.code)
    return { ...ACCEPTED, data: '{"unexpected":true}' };
  return reply;
}

/** Accepts a payout once per tradeNo and scripts its outcome by mobile. */
async function acceptPayout(state: SandboxState, { merchantNo, body }: SandboxRequest): Promise<Reply> {
  const refusal = checkRequest(state.options, merchantNo, body);
  if (refusal) return refusal;
  const fields = parsePayoutFields(body as SignableFields);
  if (!fields) return ERRORS.paramError;
  if (state.payouts.has(fields.tradeNo)) return ERRORS.duplicateTradeNo;

  const record: SandboxPayout = {
    ...fields,
    serialNumber: randomHex32(),
    platFormTradeNo: randomHex32(),
    ...STATUS.processing,
    receivedAt: new Date(),
  };
  state.payouts.set(record.tradeNo, record);
  if (debit(state, record.amount)) {
    applyScriptedOutcome(state, record);
  } else {
    // Refused on receipt like any failed transaction (request accepted, data.status a failure).
    finish(state, record, STATUS.insufficientBalance);
  }

  // Taken now: a slow answer still says what Paypro decided on receipt, even if it settled since.
  const data = {
    serialNumber: record.serialNumber,
    status: record.status,
    desc: record.message,
    remark: record.remark,
  };
  if (record.mobile === SANDBOX_MOBILES.slow) {
    // The payout already exists: a client that times out here must find it by querying.
    await sleep(state, state.options.slowMs);
  } else if (state.options.payoutDelayMs > 0) {
    await sleep(state, state.options.payoutDelayMs);
  }
  return { ...ACCEPTED, data: JSON.stringify(data) };
}

/** POST /api/queryPayOutResult: applies failQueries, or else answers as Paypro would. */
export async function queryPayOutResult(
  state: SandboxState,
  request: SandboxRequest,
): Promise<Reply | Fault> {
  state.queryCalls += 1;
  if (state.options.queryDelayMs > 0) await sleep(state, state.options.queryDelayMs);
  switch (state.queryFailure) {
    case 'http500':
      return { fault: 'http500' };
    case 'timeout':
      // Never answers; close() destroys the socket, then this resolves.
      await state.closing;
      return { fault: 'reset' };
    default:
      return queryResult(state, request);
  }
}

/** The authoritative state of one payout. */
async function queryResult(state: SandboxState, { merchantNo, body }: SandboxRequest): Promise<Reply> {
  const refusal = checkRequest(state.options, merchantNo, body);
  if (refusal) return refusal;
  const tradeNo = body?.tradeNo;
  if (typeof tradeNo !== 'string' || tradeNo === '') return ERRORS.paramError;
  const record = state.payouts.get(tradeNo);
  if (!record) return ERRORS.orderNotExist;
  return { ...ACCEPTED, data: resultJson(record) };
}

type PayoutFields = Pick<SandboxPayout, 'tradeNo' | 'amount' | 'mobile' | 'remark' | 'notifyUrl'>;

/** Validates a payout body; undefined when any field breaks Paypro's documented rules. */
function parsePayoutFields(body: SignableFields): PayoutFields | undefined {
  const { timestamp, amount, mobile, tradeNo, remark, notifyUrl } = body;
  const validTimestamp =
    (typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0) ||
    (typeof timestamp === 'string' && /^\d+$/.test(timestamp));
  const wholeAmount = parseWholeAmount(amount);
  if (
    !validTimestamp ||
    wholeAmount === undefined ||
    typeof mobile !== 'string' ||
    !/^254[17]\d{8}$/.test(mobile) ||
    typeof tradeNo !== 'string' ||
    tradeNo === '' ||
    tradeNo.length > 64 ||
    (remark !== undefined && typeof remark !== 'string') ||
    (notifyUrl !== undefined && typeof notifyUrl !== 'string')
  ) {
    return undefined;
  }
  return { tradeNo, amount: wholeAmount, mobile, remark, notifyUrl };
}

/** Whole shillings ≥ 1 as a canonical digit string (no leading zeros), or undefined. */
function parseWholeAmount(amount: unknown): string | undefined {
  if (typeof amount === 'number') {
    return Number.isSafeInteger(amount) && amount >= 1 ? String(amount) : undefined;
  }
  if (typeof amount !== 'string' || !/^\d+$/.test(amount)) return undefined;
  const value = BigInt(amount);
  return value >= 1n ? value.toString() : undefined;
}

/** Sets the outcome the payout's mobile scripts, now or settleMs after it was received. */
function applyScriptedOutcome(state: SandboxState, record: SandboxPayout): void {
  switch (record.mobile) {
    case SANDBOX_MOBILES.succeeds:
    case SANDBOX_MOBILES.succeedsQuietly:
      finish(state, record, STATUS.success);
      return;
    case SANDBOX_MOBILES.rejected:
      finish(state, record, STATUS.rejected);
      return;
    case SANDBOX_MOBILES.staysProcessing:
      return;
    default:
      schedule(state, state.options.settleMs, () => finish(state, record, STATUS.success));
  }
}

/**
 * Moves a payout to a final status (Paypro fills successTime for failures too) and calls back. A
 * paid payout gets its M-Pesa receipt; a failed one that was debited gets its amount back.
 */
function finish(
  state: SandboxState,
  record: SandboxPayout,
  outcome: { status: string; message: string },
): void {
  if (outcome.status === STATUS.success.status) {
    assignReceipt(state, record);
  } else if (outcome.status !== STATUS.insufficientBalance.status) {
    credit(state, record.amount);
  }
  record.status = outcome.status;
  record.message = outcome.message;
  record.successTime = new Date();
  notify(state, record);
}

/** 32 lowercase hex characters, the shape of Paypro's ids. */
function randomHex32(): string {
  return randomBytes(16).toString('hex');
}
