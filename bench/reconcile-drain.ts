/*
 * The reconciler draining a day's outage: 10,000 open payouts, all due, that Paypro has settled
 * but never called back about, against the local sandbox answering each query after 200 ms.
 * dynalite and the sandbox from infra/local; the reconcile use case with the Lambda's settings
 * (concurrency and batch size from configuration). Each run gets the scheduled Lambda's budget:
 * its 100 s timeout less the handler's 40 s margin, every minute; runs repeat until nothing is due.
 * Import this only after applyBenchEnv(): lib/ parses config from the environment.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalDeps } from '../infra/local/deps';
import { loadConfig } from '../lib/config';
import { DynamoCapLedger } from '../lib/limits/repository';
import { DuePayoutRepository } from '../lib/payouts/due';
import type { Payout } from '../lib/payouts/payout';
import { type ReconcileDeps, type ReconcileSummary, reconcile } from '../lib/payouts/reconcile';
import { ResendRepository } from '../lib/payouts/resend-repository';
import { notifyUrl } from '../lib/paypro/callback-token';
import { PayproClient } from '../lib/paypro/client';
import { forEachLimit } from '../lib/shared/concurrency';
import { buildSenderBreaker } from '../lib/wiring/paypro';
import { BENCH_SECRET, noopCounter, silentLog } from './fakes';

/** What the drain measured. */
export interface DrainResults {
  payouts: number;
  queryDelayMs: number;
  concurrency: number;
  runs: ReconcileSummary[];
  /** Wall time of each run's work, ms. */
  runMs: number[];
  /** Minutes from the first scheduled run until the last payout settled, on a 5-minute schedule. */
  minutes: number;
  settled: number;
  /** Seeded payouts still open in the table after the last run, and how many the index showed due at the start. */
  leftOpen: number;
  dueAtStart: number;
  queries: number;
  /** POST /api/payout calls beyond the one each payout had before the outage (must be 0). */
  resends: number;
}

const SCHEDULE_MS = 60_000;
// serverless.yml gives reconcile a 100 s timeout; functions/reconcile.ts stops 40 s before it.
const RUN_BUDGET_MS = 100_000 - 40_000;
const MAX_RUNS = 15;
const SEED_CONCURRENCY = 50;

/** Seeds `count` sent, open payouts, due since an hour ago, then drains them with reconcile runs. */
export async function benchReconcileDrain(
  count: number,
  queryDelayMs: number,
  progress: (message: string) => void,
): Promise<DrainResults> {
  const local = await startLocalDeps({
    stage: 'bench-drain',
    secret: BENCH_SECRET,
    salt: 'prefix',
    // Settled at Paypro at once, and no callback ever comes: only the reconciler can tell.
    sandbox: { settleMs: 1, queryDelayMs },
  });
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: local.env.AWS_ENDPOINT_URL_DYNAMODB }),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  try {
    const sandbox = local.sandbox;
    if (!sandbox) throw new Error('the drain needs the local Paypro sandbox');
    Object.assign(process.env, local.env);
    const config = loadConfig();
    const repository = new DuePayoutRepository(client, config.payoutsTable);
    const paypro = new PayproClient({
      baseUrl: config.payproBaseUrl,
      timeoutMs: config.payproTimeoutMs,
      salt: config.payproSignSalt,
    });

    progress(`seeding ${count} sent payouts at the sandbox and in dynalite`);
    const run = Date.now().toString(36);
    const tradeNos = Array.from({ length: count }, (_, i) => `${run}-${i}`);
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    await forEachLimit(tradeNos, SEED_CONCURRENCY, async (tradeNo) => {
      await paypro.payout(BENCH_SECRET, {
        tradeNo,
        amount: 100,
        mobile: '254700000404', // the sandbox's "never calls back"
        notifyUrl: notifyUrl(config.publicBaseUrl, BENCH_SECRET.callbackKey, tradeNo),
      });
      const payout: Payout = {
        tradeNo,
        amount: 100,
        mobile: '254700000404',
        status: 'PROCESSING',
        requestHash: 'bench',
        sentAt: hourAgo,
        paypro: { code: '0015' },
        createdAt: hourAgo,
        updatedAt: hourAgo,
        history: [],
      };
      await repository.create(payout, hourAgo);
    });
    const queriesBefore = sandbox.queryCalls();

    const deps: ReconcileDeps = {
      repository,
      caps: new DynamoCapLedger(client, config.payoutLimitsTable),
      paypro,
      breaker: buildSenderBreaker(client, config, config.breaker),
      secret: async () => BENCH_SECRET,
      publicBaseUrl: config.publicBaseUrl,
      reconcileMinAgeMs: config.reconcileMinAgeMs,
      reconcileBatchSize: config.reconcileBatchSize,
      reconcileFlagAfterMs: config.reconcileFlagAfterMs,
      reconcileConcurrency: config.reconcileConcurrency,
      resends: new ResendRepository(client, config.payoutsTable),
      resendAfterMs: config.resendAfterMs,
      maxResends: config.maxResends,
      log: process.env.BENCH_DRAIN_LOG ? console : silentLog,
      counter: noopCounter,
      now: () => new Date(),
    };
    const runs: ReconcileSummary[] = [];
    const runMs: number[] = [];
    while (runs.length < MAX_RUNS) {
      const started = Date.now();
      progress(`reconcile run ${runs.length + 1} (concurrency ${deps.reconcileConcurrency})`);
      const summary = await reconcile(deps, started + RUN_BUDGET_MS);
      runMs.push(Date.now() - started);
      runs.push(summary);
      if (summary.due === summary.settled || summary.due === 0) break;
    }
    const lastMs = runMs.at(-1) ?? 0;
    const stored = await Promise.all(tradeNos.map((t) => repository.get(t)));
    return {
      payouts: count,
      queryDelayMs,
      concurrency: deps.reconcileConcurrency,
      runs,
      runMs,
      minutes: ((runs.length - 1) * SCHEDULE_MS + lastMs) / 60_000,
      settled: runs.reduce((sum, r) => sum + r.settled, 0),
      leftOpen: stored.filter((p) => p?.status !== 'SUCCEEDED').length,
      dueAtStart: runs[0]?.due ?? 0,
      queries: sandbox.queryCalls() - queriesBefore,
      resends: tradeNos.reduce((sum, t) => sum + sandbox.payoutCalls(t) - 1, 0),
    };
  } finally {
    client.destroy();
    await local.close();
  }
}
