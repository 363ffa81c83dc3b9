import { randomUUID } from 'node:crypto';
import { type FundsReading, judgeFunds, readFunds } from '../float/funds';
import { FUNDS_GATE_MS, FUNDS_GATE_SETTLE_MS } from '../float/funds-gate';
import { move, outcome, type StepContext, type StepDeps, type StepResult } from './steps';

// While another batch's decision holds the gate, try again this soon.
const GATE_RETRY_MS = 3_000;

/**
 * RECORDING before its first row, and AWAITING_FUNDS: the funds check, under the gate so two
 * batches never pass on the same float. Covered (the balance, read fresh, less the money in
 * flight, pays the batch's total): the batch is let through (`fundsCheckedAt`) and records.
 * Not covered, or the balance unreadable: it waits in AWAITING_FUNDS (one Batch Awaiting Funds
 * event when it enters it, none per recheck) and is checked again after `fundsRecheckMs`.
 */
export async function checkFunds(deps: StepDeps, context: StepContext): Promise<StepResult> {
  const owner = randomUUID();
  const now = deps.now();
  const until = new Date(now.getTime() + FUNDS_GATE_MS).toISOString();
  if (!(await deps.funds.gate.acquire(owner, until, now.toISOString()))) {
    return { afterwards: 'wait', record: context.record, ms: GATE_RETRY_MS };
  }
  let passed = false;
  try {
    const result = await decide(deps, context);
    passed = result.afterwards === 'continue';
    return result;
  } finally {
    const hold = passed ? new Date(deps.now().getTime() + FUNDS_GATE_SETTLE_MS).toISOString() : undefined;
    await deps.funds.gate.release(owner, hold).catch((error: unknown) => {
      deps.log.warn('could not give the funds gate up; it expires by itself', { error });
    });
  }
}

async function decide(deps: StepDeps, context: StepContext): Promise<StepResult> {
  const { record } = context;
  const funds = await readFunds({ ...deps.funds, now: deps.now }, record.totalAmount);
  const verdict = judgeFunds(funds, deps.now());
  const details = { batchId: record.batchId, ...figures(funds), reason: verdict.reason };
  if (funds.readError !== undefined) deps.log.warn('could not read the float for a batch; it waits', details);
  if (verdict.covered) {
    deps.log.info('the float covers the batch; recording it', details);
    return letThrough(deps, context, funds);
  }
  if (record.status === 'AWAITING_FUNDS') {
    // Still short: the new figures only, no second event.
    const noted = await context.write({ from: ['AWAITING_FUNDS'], set: { funds } });
    return outcome(noted, (r) => ({ afterwards: 'wait', record: r, ms: deps.fundsRecheckMs }));
  }
  if (funds.readError === undefined) deps.log.info('the float does not cover the batch; it waits', details);
  const waiting = await move(deps, context, 'AWAITING_FUNDS', { funds });
  return outcome(waiting, (r) => ({ afterwards: 'wait', record: r, ms: deps.fundsRecheckMs }));
}

/** Lets the batch record: from AWAITING_FUNDS back to RECORDING, or past the check within RECORDING. */
async function letThrough(deps: StepDeps, context: StepContext, funds: FundsReading): Promise<StepResult> {
  const { record } = context;
  const fundsCheckedAt = deps.now().toISOString();
  const next =
    record.status === 'AWAITING_FUNDS'
      ? await move(deps, context, 'RECORDING', {
          funds,
          fundsCheckedAt,
          recordedRows: 0,
          recordedItems: 0,
          recordedAmount: 0,
        })
      : await context.write({
          from: ['RECORDING'],
          expect: { recordedRows: 0, fundsCheckedAt: undefined },
          set: { funds, fundsCheckedAt },
        });
  return outcome(next, (r) => ({ afterwards: 'continue', record: r }));
}

/** The reading's figures for a log line (amounts only, nothing secret). */
const figures = (funds: FundsReading) => ({
  available: funds.available,
  inFlight: funds.inFlight,
  needed: funds.needed,
  checkedAt: funds.checkedAt,
});
