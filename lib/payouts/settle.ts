import { StaleStateError } from '../errors';
import type { Log } from '../logger';
import type { Counter } from '../metrics';
import { outcomeOf } from '../paypro/codes';
import { sameAmount } from './amount';
import {
  canTransition,
  type HistoryEntry,
  type HistorySource,
  isFinal,
  type Payout,
  type PayproDetails,
} from './payout';
import type { PayoutRepository } from './repository';

/** What Paypro said about a payout: its status code (or refusal code) and details, verbatim. */
export interface PayproReport {
  status: string;
  message: string;
  serialNumber?: string;
  platFormTradeNo?: string;
  /** UTC ISO. */
  successTime?: string;
}

/** What settling needs. */
export interface SettleDeps {
  repository: PayoutRepository;
  counter: Counter;
  log: Log;
  now: () => Date;
}

/**
 * `applied`: the payout moved; `unchanged`: it already was there (duplicate, or a late
 * 0015 after a final state); `anomaly`: the report contradicts a final state and was only noted.
 */
export type SettleOutcome = 'applied' | 'unchanged' | 'anomaly';

// A lost race re-reads and decides again; the state machine bounds how often that can happen.
const MAX_ATTEMPTS = 4;

/**
 * Applies Paypro's word through the state machine with one conditional write, so
 * concurrent or out-of-order reports can never move a payout backwards or out of a final state.
 */
export async function settle(
  deps: SettleDeps,
  payout: Payout,
  report: PayproReport,
  source: HistorySource,
  extra: Pick<HistoryEntry, 'note' | 'raw'> = {},
): Promise<{ outcome: SettleOutcome; payout: Payout }> {
  const target = outcomeOf(report.status);
  let current = payout;
  for (let attempt = 1; ; attempt += 1) {
    if (current.status === target || (isFinal(current.status) && target === 'PROCESSING')) {
      return { outcome: 'unchanged', payout: current };
    }
    if (!canTransition(current.status, target)) {
      return { outcome: 'anomaly', payout: await noteAnomaly(deps, current, report, source, extra) };
    }
    const at = deps.now().toISOString();
    try {
      const updated = await deps.repository.transition(current.tradeNo, {
        to: target,
        at,
        paypro: detailsOf(report),
        entry: { at, source, status: target, code: report.status, message: report.message, ...extra },
      });
      if (target === 'SUCCEEDED') deps.counter.count('PayoutSucceeded');
      if (target === 'FAILED') deps.counter.count('PayoutFailed');
      return { outcome: 'applied', payout: updated };
    } catch (error) {
      if (!(error instanceof StaleStateError) || attempt >= MAX_ATTEMPTS) throw error;
      const reread = await deps.repository.get(current.tradeNo);
      if (!reread) throw error;
      current = reread;
    }
  }
}

function detailsOf(report: PayproReport): PayproDetails {
  return {
    code: report.status,
    message: report.message,
    ...(report.serialNumber && { serialNumber: report.serialNumber }),
    ...(report.platFormTradeNo && { platFormTradeNo: report.platFormTradeNo }),
    ...(report.successTime && { successTime: report.successTime }),
  };
}

async function noteAnomaly(
  deps: SettleDeps,
  payout: Payout,
  report: PayproReport,
  source: HistorySource,
  extra: Pick<HistoryEntry, 'note' | 'raw'>,
): Promise<Payout> {
  const at = deps.now().toISOString();
  const note = `anomaly: Paypro reported ${report.status} but the payout is ${payout.status}; not applied`;
  deps.counter.count('PayoutAnomaly');
  deps.log.warn('payout anomaly: report contradicts a final state', {
    tradeNo: payout.tradeNo,
    status: payout.status,
    reported: report.status,
    source,
  });
  const entry: HistoryEntry = {
    at,
    source,
    code: report.status,
    message: report.message,
    ...extra,
    note: extra.note ? `${note} (${extra.note})` : note,
  };
  try {
    await deps.repository.appendHistory(payout.tradeNo, entry, at);
    return { ...payout, updatedAt: at, history: [...payout.history, entry] };
  } catch (error) {
    // The metric and the log already carry it; a full history must not fail the reply.
    deps.log.error('could not record the anomaly in history', { tradeNo: payout.tradeNo, error });
    return payout;
  }
}

/**
 * True when Paypro's amount for a payout equals the recorded one; otherwise counts and logs
 * the anomaly (`source` says who reported it), and the caller applies nothing.
 */
export function amountAgrees(
  deps: SettleDeps,
  payout: Payout,
  reported: string | number,
  source: string,
): boolean {
  if (sameAmount(reported, payout.amount)) return true;
  deps.counter.count('PayoutAnomaly');
  deps.log.warn('payout anomaly: reported amount differs from the record; nothing applied', {
    tradeNo: payout.tradeNo,
    recorded: payout.amount,
    reported: String(reported),
    source,
  });
  return false;
}
