/*
 * Single payouts stay fast: no Balance Inquiry on the POST /payouts path. N payouts through the
 * composed create-payout handler, wired from the environment as the Lambda wires itself, against
 * the Paypro sandbox over loopback (startLocalDeps): the sandbox counts every Balance Inquiry it
 * serves, however the code under test reached it.
 * Import this only after applyBenchEnv(): the function modules parse config at import.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createPayoutHandler } from '../functions/create-payout';
import { startLocalDeps } from '../infra/local/deps';
import { loadConfig } from '../lib/config';
import { buildDeps } from '../lib/wiring/payouts';
import { apiEvent, lambdaContext } from '../test/support/events';
import { BENCH_SECRET } from './fakes';
import { tally } from './stats';

/** What the float benchmark measured. */
export interface FloatResults {
  payouts: number;
  /** Balance Inquiries the sandbox served while the payouts were made (must be 0). */
  balanceCalls: number;
  /** Payouts the sandbox received (must equal `payouts`: the path was really taken). */
  sent: number;
  statuses: Record<string, number>;
}

/** Makes `n` single payouts one after another and counts the sandbox's Balance Inquiries meanwhile. */
export async function benchFloatCalls(n: number): Promise<FloatResults> {
  const local = await startLocalDeps({
    stage: 'bench',
    secret: BENCH_SECRET,
    salt: 'prefix',
    // No callbacks during the run: only the request path is measured.
    sandbox: { settleMs: 600_000 },
  });
  try {
    const sandbox = local.sandbox;
    if (!sandbox) throw new Error('the benchmark needs the local Paypro sandbox');
    Object.assign(process.env, local.env);
    const config = loadConfig();
    const create = createPayoutHandler(buildDeps(config), config);
    const run = Date.now().toString(36);
    const tradeNos = Array.from({ length: n }, (_, i) => `${run}-f-${i}`);
    const before = sandbox.balanceCalls();
    const statuses: number[] = [];
    for (const [i, tradeNo] of tradeNos.entries()) {
      const body = { amount: 100 + i, mobile: `0713${String(i).padStart(6, '0')}`, tradeNo };
      const reply = (await create(apiEvent({ body }), lambdaContext())) as APIGatewayProxyResult;
      statuses.push(reply.statusCode);
    }
    return {
      payouts: n,
      balanceCalls: sandbox.balanceCalls() - before,
      sent: tradeNos.filter((t) => sandbox.payoutCalls(t) > 0).length,
      statuses: tally(statuses),
    };
  } finally {
    await local.close();
  }
}
