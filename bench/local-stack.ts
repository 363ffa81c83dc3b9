/*
 * 100 concurrent payouts through the local stack: dynalite, the Secrets Manager endpoint and the
 * Paypro sandbox from infra/local (startLocalDeps), the composed handlers built from the
 * environment as the Lambdas build them, behind a loopback HTTP front. In process rather than
 * `npm start`: serverless-offline loads a fresh worker per concurrent request and times out
 * (504) under 100 at once on a small machine, which would measure the emulator, not the service.
 * Import this only after applyBenchEnv(): the function modules parse config at import.
 */
import { createPayoutHandler } from '../functions/create-payout';
import { payproCallbackHandler } from '../functions/paypro-callback';
import { startLocalDeps } from '../infra/local/deps';
import { loadConfig } from '../lib/config';
import { buildDeps } from '../lib/wiring/payouts';
import { BENCH_SECRET } from './fakes';
import { type LocalApiRoutes, startLocalApi } from './local-api';
import { latencySummary, tally } from './stats';

/** One burst of concurrent requests. */
export interface Burst {
  wallMs: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

/** What the local stack benchmark measured. */
export interface LocalStackResults {
  concurrency: number;
  distinct: Burst & {
    /** tradeNos the sandbox received more than once (must be 0). */
    duplicates: number;
    /** tradeNos the sandbox never received. */
    neverSent: number;
  };
  identical: Burst & {
    /** POST /api/payout calls the sandbox received for the one tradeNo (must be 1). */
    payoutCalls: number;
  };
}

const STAGE = 'bench';

/** Fires `bodies` at POST /payouts all at once, timing each request and the whole burst. */
async function burst(baseUrl: string, bodies: readonly unknown[]): Promise<Burst> {
  const started = performance.now();
  const replies = await Promise.all(
    bodies.map(async (body) => {
      const start = performance.now();
      const response = await fetch(`${baseUrl}/payouts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      return { ms: performance.now() - start, status: response.status };
    }),
  );
  const wallMs = performance.now() - started;
  return {
    wallMs,
    ...latencySummary(replies.map((r) => r.ms)),
    statuses: tally(replies.map((r) => r.status)),
  };
}

/** Starts the local stack, fires the two bursts of `concurrency` payouts, and stops everything. */
export async function benchLocalStack(concurrency: number): Promise<LocalStackResults> {
  const local = await startLocalDeps({
    stage: STAGE,
    secret: BENCH_SECRET,
    salt: 'prefix',
    // Settling (and so calling back) after 10 min instead of 2 s keeps callbacks out of the
    // measured bursts: what is measured is payouts only. close() cancels the pending timers.
    sandbox: { settleMs: 600_000 },
  });
  let routes: LocalApiRoutes | undefined;
  const api = await startLocalApi(STAGE, () => {
    if (!routes) throw new Error('local API not ready');
    return routes;
  });
  try {
    if (!local.sandbox) throw new Error('the benchmark needs the local Paypro sandbox');
    const sandbox = local.sandbox;
    // The Lambdas' own wiring: configuration and clients from the environment.
    Object.assign(process.env, local.env, { PUBLIC_BASE_URL: api.baseUrl });
    const config = loadConfig();
    const deps = buildDeps(config);
    routes = {
      createPayout: createPayoutHandler(deps, config),
      callback: payproCallbackHandler(deps),
    };

    const run = Date.now().toString(36);
    const payout = (tradeNo: string, i: number) => ({
      amount: 100 + i,
      mobile: `0712${String(i).padStart(6, '0')}`,
      tradeNo,
      remark: 'bench',
    });
    // One payout first, as a warm container would have served: SDK clients, secret cache, sockets.
    await burst(api.baseUrl, [payout(`${run}-warm`, 999_999)]);

    const distinctNos = Array.from({ length: concurrency }, (_, i) => `${run}-d-${i}`);
    const distinct = await burst(
      api.baseUrl,
      distinctNos.map((tradeNo, i) => payout(tradeNo, i)),
    );
    const sameNo = `${run}-same`;
    const identical = await burst(api.baseUrl, Array(concurrency).fill(payout(sameNo, 4242)));
    return {
      concurrency,
      distinct: {
        ...distinct,
        duplicates: distinctNos.filter((t) => sandbox.payoutCalls(t) > 1).length,
        neverSent: distinctNos.filter((t) => sandbox.payoutCalls(t) === 0).length,
      },
      identical: { ...identical, payoutCalls: sandbox.payoutCalls(sameNo) },
    };
  } finally {
    await api.close();
    await local.close();
  }
}
