import {
  PayoutNotFoundError,
  PayoutNotOpenError,
  PayproUnavailableError,
  PayproUnknownOutcomeError,
  ResolutionContradictedError,
  ResolutionOvertakenError,
  StaleStateError,
} from '../errors';
import { releaseCaps } from '../limits/caps';
import { sameAmount } from '../payouts/amount';
import { statusChanged } from '../payouts/events';
import { getPayout } from '../payouts/get';
import { type HistoryEntry, isFinal, type Payout, type PayproDetails } from '../payouts/payout';
import { reportFromQuery } from '../payouts/query-report';
import type { SettleDeps } from '../payouts/settle';
import type { PayoutRecord, PayproClient, RequestRejected } from '../paypro/client';
import { outcomeOf } from '../paypro/codes';
import type { PayproSecret } from '../paypro/secret';
import { parseResolveRequest, type ResolveRequest } from './schema';

/**
 * What resolving needs. Of Paypro only the query: this use case can ask about a payout, and has
 * no way to send one.
 */
export interface ResolvePayoutDeps extends SettleDeps {
  paypro: Pick<PayproClient, 'queryPayout'>;
  secret: () => Promise<PayproSecret>;
}

/** Paypro's answer to the query, or undefined when it could not be asked (forced only). */
type Answer = PayoutRecord | RequestRejected | undefined;

/** Whether Paypro's answer allows the resolution, and that answer in words for the operator. */
interface Verdict {
  agrees: boolean;
  words: string;
}

// A write lost to a concurrent change re-reads and decides again, this many times at most.
const MAX_ATTEMPTS = 3;

/** What Paypro's query says about `payout`, and whether it allows resolving it as `to`. */
function judge(payout: Payout, to: ResolveRequest['to'], answer: Answer, unreachable: string): Verdict {
  if (answer === undefined) return { agrees: false, words: `could not be asked (${unreachable})` };
  if (answer.kind === 'rejected') {
    const said = `does not know this tradeNo (${answer.code}${answer.message ? ` ${answer.message}` : ''})`;
    // Sent but unknown to Paypro: it may still be on its way, or lost; only Paypro can say
    // which, in writing (docs/operator-guide.md, "Flagged payouts"). Never sent: it cannot have been paid.
    if (payout.sentAt !== undefined) {
      return { agrees: false, words: `${said}, although it was sent at ${payout.sentAt}` };
    }
    return { agrees: to === 'FAILED', words: `${said}; it was never sent` };
  }
  const outcome = outcomeOf(answer.status);
  const said = `${answer.status}${answer.message ? ` ${answer.message}` : ''}`;
  if (!sameAmount(answer.amount, payout.amount)) {
    return {
      agrees: false,
      words: `reports amount ${answer.amount} (recorded ${payout.amount}), status ${said}`,
    };
  }
  if (outcome === 'PROCESSING') return { agrees: false, words: `is still processing it (${said})` };
  return { agrees: outcome === to, words: `says ${outcome} (${said})` };
}

/** Paypro's details to record with the resolution: its own record when it has one. */
function detailsOf(answer: Answer): PayproDetails {
  if (answer?.kind !== 'found') return {};
  const report = reportFromQuery(answer);
  return {
    code: report.status,
    message: report.message,
    ...(report.platFormTradeNo && { platFormTradeNo: report.platFormTradeNo }),
    ...(report.successTime && { successTime: report.successTime }),
  };
}

/**
 * `POST /admin/payouts/{tradeNo}/resolve`: an operator moves an open payout to SUCCEEDED or
 * FAILED by hand. Paypro's query is asked first and the request refused (409) when its answer
 * contradicts the resolution, unless `force`; the change is one conditional write, recorded in
 * the history with who (`operator`), why and what Paypro said, and committed with its event.
 * Never sends money: a FAILED resolution of a payout never sent also makes sure it never is.
 */
export async function resolvePayout(
  deps: ResolvePayoutDeps,
  tradeNo: string | undefined,
  body: unknown,
  operator: string,
): Promise<Payout> {
  const request = parseResolveRequest(body);
  let current = await getPayout(deps.repository, tradeNo);
  if (isFinal(current.status)) throw new PayoutNotOpenError(current.tradeNo, current.status);
  const { answer, unreachable } = await askPaypro(deps, current, request);

  for (let attempt = 1; ; attempt += 1) {
    const verdict = judge(current, request.to, answer, unreachable);
    if (!verdict.agrees && !request.force) {
      deps.log.info('resolution refused: Paypro contradicts it', {
        tradeNo: current.tradeNo,
        to: request.to,
        paypro: verdict.words,
      });
      throw new ResolutionContradictedError(current.tradeNo, request.to, `Paypro ${verdict.words}`);
    }
    try {
      return await resolveAs(deps, current, request, { verdict, answer, operator });
    } catch (error) {
      if (!(error instanceof StaleStateError) || attempt >= MAX_ATTEMPTS) throw error;
      current = await rereadOpen(deps, current);
    }
  }
}

/** Paypro's query answer; when it cannot be asked, a PayproUnavailableError unless forced, then why not. */
async function askPaypro(
  deps: ResolvePayoutDeps,
  payout: Payout,
  request: ResolveRequest,
): Promise<{ answer: Answer; unreachable: string }> {
  try {
    return { answer: await deps.paypro.queryPayout(await deps.secret(), payout.tradeNo), unreachable: '' };
  } catch (error) {
    if (!(error instanceof PayproUnknownOutcomeError)) throw error;
    if (!request.force) throw new PayproUnavailableError(error.message, { cause: error });
    return { answer: undefined, unreachable: error.message };
  }
}

/** The one conditional write of a resolution, with its history entry and event; counted and logged. */
async function resolveAs(
  deps: ResolvePayoutDeps,
  current: Payout,
  request: ResolveRequest,
  decision: { verdict: Verdict; answer: Answer; operator: string },
): Promise<Payout> {
  const { verdict, answer, operator } = decision;
  const at = deps.now().toISOString();
  const paypro = detailsOf(answer);
  const forced = !verdict.agrees;
  const entry: HistoryEntry = {
    at,
    source: 'operator',
    status: request.to,
    ...(paypro.code !== undefined && { code: paypro.code }),
    ...(paypro.message !== undefined && { message: paypro.message }),
    operator,
    reason: request.reason,
    note: `resolved by operator${forced ? ' (forced)' : ''}; Paypro: ${verdict.words}`,
  };
  const after: Payout = {
    ...current,
    status: request.to,
    paypro: { ...current.paypro, ...paypro },
    updatedAt: at,
  };
  const updated = await deps.repository.transition(current.tradeNo, {
    to: request.to,
    at,
    paypro,
    entry,
    event: statusChanged(current, after, at),
    // A FAILED that rests on "never sent" holds only while nothing has sent it meanwhile.
    unsentOnly: request.to === 'FAILED' && current.sentAt === undefined,
  });
  deps.counter.count('PayoutResolved');
  deps.counter.count(request.to === 'SUCCEEDED' ? 'PayoutSucceeded' : 'PayoutFailed');
  deps.log.info('payout resolved by operator', {
    tradeNo: updated.tradeNo,
    from: current.status,
    to: request.to,
    forced,
    operator,
  });
  // Once only: only the write that moved the payout to FAILED gets here.
  if (request.to === 'FAILED') await releaseCaps(deps, updated);
  return updated;
}

/** The payout again after a lost write: settled, flagged or sent meanwhile, to decide again on what is there now. */
async function rereadOpen(deps: ResolvePayoutDeps, current: Payout): Promise<Payout> {
  const reread = await deps.repository.get(current.tradeNo);
  if (!reread) throw new PayoutNotFoundError(current.tradeNo);
  if (isFinal(reread.status)) throw new PayoutNotOpenError(reread.tradeNo, reread.status);
  // Sent since the operator's decision (the batch consumer, create or the reconciler): what
  // they decided on no longer holds, and money may be on its way. Refused even when forced.
  if (current.sentAt === undefined && reread.sentAt !== undefined) {
    throw new ResolutionOvertakenError(reread.tradeNo, reread.sentAt);
  }
  return reread;
}
