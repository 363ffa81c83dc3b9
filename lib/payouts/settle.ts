import { StaleStateError } from '../errors';
import type { FloatCheckRequests } from '../float/check-requests';
import { releaseCaps } from '../limits/caps';
import type { CapLedger } from '../limits/store';
import { isInsufficientFunds, outcomeOf } from '../paypro/codes';
import type { Log } from '../shared/logger';
import type { Counter } from '../shared/metrics';
import { sameAmount } from './amount';
import { type AnomalyDetail, anomaly, statusChanged } from './events';
import {
  canTransition,
  type HistoryEntry,
  type HistorySource,
  isFinal,
  type Payout,
  type PayoutStatus,
  type PayproDetails,
} from './payout';
import type { PayoutStore } from './store';

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
  repository: PayoutStore;
  /** The daily caps' counters: a payout that ends FAILED gives its share back. */
  caps: CapLedger;
  counter: Counter;
  log: Log;
  now: () => Date;
  /** Asks the float monitor to check at once when Paypro refuses a payout for lack of funds; absent: nobody asks. */
  floatChecks?: FloatCheckRequests;
}

/** What a FAILED payout's history says when Paypro refused it for lack of funds. */
export const INSUFFICIENT_FUNDS_NOTE =
  "Paypro refused the payout for lack of funds in the merchant's Paypro balance (float)";

/**
 * `applied`: the payout moved; `unchanged`: it already was there (duplicate, or a late
 * 0015 after a final state); `anomaly`: the report contradicts a final state and was only noted.
 */
export type SettleOutcome = 'applied' | 'unchanged' | 'anomaly';

// A lost race re-reads and decides again; the state machine bounds how often that can happen.
const MAX_ATTEMPTS = 4;
// Anomalies have no state machine to bound them: a storm of contradicting reports races for
// versions, so each gets more tries, and the history's cap ends the storm.
const MAX_ANOMALY_ATTEMPTS = 8;
const HISTORY_MAX_ENTRIES = 50;

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
    if (alreadyThere(current.status, target)) return { outcome: 'unchanged', payout: current };
    if (!canTransition(current.status, target)) {
      return { outcome: 'anomaly', payout: await noteAnomaly(deps, current, report, source, extra) };
    }
    try {
      return {
        outcome: 'applied',
        payout: await moveTo(deps, current, target, report, source, extra),
      };
    } catch (error) {
      if (!(error instanceof StaleStateError) || attempt >= MAX_ATTEMPTS) throw error;
      const reread = await deps.repository.get(current.tradeNo);
      if (!reread) throw error;
      current = reread;
    }
  }
}

/** True when a report changes nothing: the payout is there already, or a late 0015 follows a final state. */
function alreadyThere(status: PayoutStatus, target: PayoutStatus): boolean {
  return status === target || (isFinal(status) && target === 'PROCESSING');
}

/** The one conditional write that moves a payout to `target`, with its event; counted, and FAILED gives its caps back. */
async function moveTo(
  deps: SettleDeps,
  current: Payout,
  target: PayoutStatus,
  report: PayproReport,
  source: HistorySource,
  extra: Pick<HistoryEntry, 'note' | 'raw'>,
): Promise<Payout> {
  const at = deps.now().toISOString();
  const paypro = detailsOf(report);
  const lackOfFunds = target === 'FAILED' && isInsufficientFunds(report.status, report.message);
  const note = lackOfFunds ? [extra.note, INSUFFICIENT_FUNDS_NOTE].filter(Boolean).join('; ') : extra.note;
  const after = { ...current, status: target, paypro: { ...current.paypro, ...paypro }, updatedAt: at };
  const updated = await deps.repository.transition(current.tradeNo, {
    to: target,
    at,
    paypro,
    entry: {
      at,
      source,
      status: target,
      code: report.status,
      message: report.message,
      ...extra,
      ...(note !== undefined && { note }),
    },
    event: statusChanged(current, after, at),
  });
  if (target === 'SUCCEEDED') deps.counter.count('PayoutSucceeded');
  if (target === 'FAILED') {
    deps.counter.count('PayoutFailed');
    // Once only: only the write that moved the payout to FAILED gets here.
    await releaseCaps(deps, updated);
    if (lackOfFunds) await requestFloatCheck(deps, updated, at);
  }
  return updated;
}

/** Asks for a float check at once; its failure is only logged, never the payout's outcome. */
async function requestFloatCheck(deps: SettleDeps, payout: Payout, at: string): Promise<void> {
  if (!deps.floatChecks) return;
  try {
    await deps.floatChecks.request(at, `payout ${payout.tradeNo} refused for lack of funds`);
  } catch (error) {
    deps.log.warn('could not ask for a float check', {
      tradeNo: payout.tradeNo,
      error,
    });
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
  const note = `anomaly: Paypro reported ${report.status} but the payout is ${payout.status}; not applied`;
  deps.counter.count('PayoutAnomaly');
  deps.log.warn('payout anomaly: report contradicts a final state', {
    tradeNo: payout.tradeNo,
    status: payout.status,
    reported: report.status,
    source,
  });
  return recordAnomaly(deps, payout, {
    entry: {
      source,
      code: report.status,
      message: report.message,
      ...extra,
      note: extra.note ? `${note} (${extra.note})` : note,
    },
    detail: { source, reportedStatus: report.status, note },
  });
}

/**
 * Keeps an anomaly in the payout's history and commits its `Payout Anomaly` event in the
 * same write, re-reading when another event took the version first. Never throws: the metric
 * and the log already carry the anomaly, and it must not fail the reply.
 */
export async function recordAnomaly(
  deps: SettleDeps,
  payout: Payout,
  anomalyOf: { entry: Omit<HistoryEntry, 'at'>; detail: AnomalyDetail },
): Promise<Payout> {
  let current = payout;
  for (let attempt = 1; attempt <= MAX_ANOMALY_ATTEMPTS; attempt += 1) {
    const at = deps.now().toISOString();
    const entry: HistoryEntry = { at, ...anomalyOf.entry };
    try {
      await deps.repository.appendHistory(
        current.tradeNo,
        entry,
        at,
        undefined,
        anomaly(current, at, anomalyOf.detail),
      );
      return {
        ...current,
        updatedAt: at,
        version: (current.version ?? 0) + 1,
        history: [...current.history, entry],
      };
    } catch (error) {
      if (!(error instanceof StaleStateError) || attempt === MAX_ANOMALY_ATTEMPTS) {
        deps.log.error('could not record the anomaly in history', { tradeNo: payout.tradeNo, error });
        return current;
      }
      // Another event took this version (or the history is full): read and decide again.
      const reread = await deps.repository.get(current.tradeNo).catch(() => undefined);
      if (!reread || reread.history.length >= HISTORY_MAX_ENTRIES) {
        deps.log.error('could not record the anomaly in history', { tradeNo: payout.tradeNo, error });
        return reread ?? current;
      }
      current = reread;
    }
  }
  return current;
}

/**
 * True when Paypro's amount for a payout equals the recorded one; otherwise counts, logs and
 * (when `record`, for what Paypro itself said) records the anomaly in history and as an
 * event; `source` says who reported it. The caller applies nothing.
 */
export async function amountAgrees(
  deps: SettleDeps,
  payout: Payout,
  reported: string | number,
  source: HistorySource,
  record = true,
): Promise<boolean> {
  if (sameAmount(reported, payout.amount)) return true;
  deps.counter.count('PayoutAnomaly');
  deps.log.warn('payout anomaly: reported amount differs from the record; nothing applied', {
    tradeNo: payout.tradeNo,
    recorded: payout.amount,
    reported: String(reported),
    source,
  });
  if (!record) return false;
  const note = `anomaly: Paypro reported amount ${String(reported)} but the payout is for ${payout.amount}; not applied`;
  await recordAnomaly(deps, payout, {
    entry: { source, note },
    detail: { source, reportedAmount: String(reported), note },
  });
  return false;
}
