/**
 * `npm run bench`: bundle sizes and load times, in-process handler overhead and DynamoDB /
 * Secrets Manager calls with fakes, 100 concurrent payouts through the local stack, the
 * reconciler drain, bulk payouts, the balance calls of single payouts and Paypro outages (through
 * npm start). Writes docs/performance.md (bench/report.ts) and prints the
 * fresh tables on stdout (progress goes to stderr). Not part of `npm test`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BatchResults } from './batch';
import { type Bundle, buildBundles, FLOORS, floorOf, type LoadPair, measureLoadPairs } from './bundle';
import { applyBenchEnv, BENCH_ENV } from './env';
import type { CommandCounts } from './fakes';
import type { FloatResults } from './float';
import type { HandlerResults } from './handlers';
import type { LocalStackResults } from './local-stack';
import { type OutageResults, outageRows } from './outage-report';
import type { DrainResults } from './reconcile-drain';
import {
  machineStamp,
  PERFORMANCE_FILE,
  renderSection,
  replaceRows,
  type Section,
  type SectionId,
  writePerformance,
} from './report';
import { type Row, statusList, thousands, verdict } from './table';

// Imports of each bundle, alternating with as many of its floor's: the fastest of 11 is steady.
const LOAD_RUNS = 11;
/** Each function bundle must stay within this multiple of the floor, in size and in load time. */
const BUNDLE_MAX_RATIO = 1.15;
const HANDLER_N = 2000;
const HANDLER_WARMUP = 200;
const CONCURRENCY = 100;
const DRAIN_PAYOUTS = 10_000;
const DRAIN_QUERY_DELAY_MS = 200;
// A partition of a DynamoDB table or index takes at most 1,000 write units per second.
const PARTITION_WRITES_PER_S = 1_000;
const PAYOUTS_PER_S = 1_000;
// Single payouts made while the sandbox counts Balance Inquiries: enough that one per payout shows.
const FLOAT_PAYOUTS = 50;

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);
const ms = (value: number, digits = 3) => `${value.toFixed(digits)} ms`;
const per = (total: number, n: number) => (total / n).toFixed(2);

/** The floor a bundle is compared with: its own name for a floor. */
const floorName = (name: string) => (name in FLOORS ? name : floorOf(name));

async function benchBundles(): Promise<{ bundles: Bundle[]; loads: Map<string, LoadPair> }> {
  const dir = await mkdtemp(join(tmpdir(), 'paypro-bench-'));
  try {
    progress('building bundles with esbuild');
    const bundles = await buildBundles(dir);
    progress(`importing each bundle ${LOAD_RUNS} times, alternating with its floor, in fresh node processes`);
    const loads = await measureLoadPairs(bundles, LOAD_RUNS, BENCH_ENV, floorName);
    return { bundles, loads };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** What a bundle carries beyond the packages of the floor (the AWS SDK), largest first. */
function beyondFloor(bundle: Bundle, floor: Bundle): string {
  const extra = [...bundle.origins]
    .filter(([origin]) => origin === 'service code' || !floor.origins.has(origin))
    .sort((a, b) => b[1] - a[1])
    .map(([origin, bytes]) => `${origin} ${kb(bytes)}`);
  return extra.length > 0 ? extra.join(', ') : 'nothing';
}

function bundleRows({ bundles, loads }: Awaited<ReturnType<typeof benchBundles>>): Row[] {
  return bundles.map((b) => {
    const floor = bundles.find((f) => f.name === floorName(b.name));
    const load = loads.get(b.name);
    if (!floor || load === undefined) throw new Error(`floor bundle of ${b.name} missing`);
    const { ms: loadMs, floorMs } = load;
    const sizeRatio = b.bytes / floor.bytes;
    const loadRatio = loadMs / floorMs;
    const figure =
      `${thousands(b.bytes)} B (${sizeRatio.toFixed(3)}× ${floor.name}); ` +
      `${ms(loadMs, 1)} (${loadRatio.toFixed(3)}× ${floor.name})`;
    const metric = `size; module load (fastest of ${LOAD_RUNS} fresh node processes, alternating with its floor's)`;
    if (b.name in FLOORS) {
      return {
        metric: `Bundle ${b.name} (${FLOORS[b.name]}): ${metric}`,
        figure,
        target: 'none (report only)',
        result: '—',
      };
    }
    const over = [
      ...(sizeRatio <= BUNDLE_MAX_RATIO ? [] : ['size']),
      ...(loadRatio <= BUNDLE_MAX_RATIO ? [] : ['load']),
    ];
    return {
      metric: `Bundle ${b.name}: ${metric}`,
      figure: `${figure}; beyond the floor's packages: ${beyondFloor(b, floor)}`,
      target: `≤ ${BUNDLE_MAX_RATIO}× its floor (size and load)`,
      result: over.length === 0 ? 'PASS' : `FAIL (${over.join(', ')})`,
    };
  });
}

const opsText = (ops: CommandCounts, n: number) =>
  `${per(ops.put + ops.update, n)} writes (Put ${per(ops.put, n)} + Update ${per(ops.update, n)}), ` +
  `${per(ops.get + ops.query, n)} reads (Get ${per(ops.get, n)} + Query ${per(ops.query, n)})`;

function handlerRows(r: HandlerResults): Row[] {
  const label = `N=${r.n} sequential after ${HANDLER_WARMUP} warm-up, in-memory fakes`;
  const createOk = r.create.statuses['201'] === r.n;
  const callbackOk = r.callback.statuses['200'] === r.n;
  const createWrites = (r.createOps.put + r.createOps.update) / r.n;
  const createReads = (r.createOps.get + r.createOps.query) / r.n;
  const callbackWrites = (r.callbackOps.put + r.callbackOps.update) / r.n;
  return [
    {
      metric: `Handler overhead per payout, createPayoutHandler (${label})`,
      figure: `p50 ${ms(r.create.p50)}, p99 ${ms(r.create.p99)}; replies ${statusList(r.create.statuses)}`,
      target: 'none (report only)',
      result: createOk ? '—' : 'FAIL: not all 201',
    },
    {
      metric: `Handler overhead per callback, payproCallbackHandler on PROCESSING payouts (${label})`,
      figure: `p50 ${ms(r.callback.p50)}, p99 ${ms(r.callback.p99)}; replies ${statusList(r.callback.statuses)}`,
      target: 'none (report only)',
      result: callbackOk ? '—' : 'FAIL: not all 200',
    },
    {
      metric: `DynamoDB commands per payout (mean of ${r.n})`,
      figure: opsText(r.createOps, r.n),
      target: '2 writes / 0 reads',
      result: verdict(createWrites <= 2 && createReads === 0),
    },
    {
      metric: `DynamoDB commands per callback (mean of ${r.n}; verify-by-query on)`,
      figure: opsText(r.callbackOps, r.n),
      target: '1 write',
      result: verdict(callbackWrites <= 1),
    },
    {
      metric: 'Secrets Manager calls on the warm path (cachedPayproSecret over a counted client)',
      figure: `${r.secret.warmCalls} in ${r.secret.warmInvocations} warm invocations (${r.n} creates + ${r.n} callbacks); ${r.secret.coldCalls} on the first (cold) call`,
      target: '0',
      result: verdict(r.secret.warmCalls === 0),
    },
  ];
}

function indexRows(r: HandlerResults): Row[] {
  const total = [...r.indexWrites.values()].reduce((sum, n) => sum + n, 0);
  const [busiest = 'none', most = 0] = [...r.indexWrites].sort((a, b) => b[1] - a[1])[0] ?? [];
  const share = total === 0 ? 0 : most / total;
  const perKeyAtLoad = (total / r.n) * PAYOUTS_PER_S * share;
  return [
    {
      metric: `Index writes per payout, due-payouts GSI (record, send, callback settles; mean of ${r.n}), and the busiest partition key`,
      figure:
        `${(total / r.n).toFixed(2)} writes per payout over ${r.indexWrites.size} keys; busiest ${busiest} ` +
        `${(share * 100).toFixed(1)}% → ${thousands(perKeyAtLoad)} writes/s on it at ${thousands(PAYOUTS_PER_S)} payouts/s ` +
        "(each reconciler check adds 2, at the reconciler's bounded rate)",
      target: `≤ ${thousands(PARTITION_WRITES_PER_S)} writes/s on any key`,
      result: verdict(total > 0 && perKeyAtLoad <= PARTITION_WRITES_PER_S),
    },
  ];
}

function drainRows(r: DrainResults): Row[] {
  const runs = r.runs.map((s, i) => `${s.checked} in ${((r.runMs[i] ?? 0) / 1000).toFixed(0)} s`).join(', ');
  return [
    {
      metric:
        `Reconciler drain: ${thousands(r.payouts)} due payouts, sandbox query latency ${r.queryDelayMs} ms, ` +
        `RECONCILE_CONCURRENCY ${r.concurrency}, runs every minute with the Lambda's 60 s budget (dynalite + sandbox)`,
      figure:
        `${r.minutes.toFixed(1)} min (${r.runs.length} run${r.runs.length === 1 ? '' : 's'}: ${runs}); ` +
        `settled ${thousands(r.settled)}; left open ${r.leftOpen} (due at start per the index: ${thousands(r.dueAtStart)}); ` +
        `Paypro queries per payout ${(r.queries / r.payouts).toFixed(2)}; re-sends ${r.resends}`,
      target: '< 15 min, all settled, 0 re-sends',
      result: verdict(r.minutes < 15 && r.leftOpen === 0 && r.resends === 0),
    },
  ];
}

function batchRows(r: BatchResults): Row[] {
  const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
  const intake = r.intakeMs
    .map((i) => `${thousands(i.items)} items: ${i.status} in ${seconds(i.ms)}`)
    .join('; ');
  const flat = r.intakeMs.every((i) => i.status === 202 && i.ms <= 2_000);
  const calls = r.payoutCalls / r.items;
  return [
    {
      metric: 'Bulk payout intake: POST /payout-batches until its 202 (dynalite + local SQS, in process)',
      figure: intake,
      target: '202 within 2 s at every size',
      result: verdict(flat),
    },
    {
      metric: `Bulk payout replay: the ${thousands(r.items)}-item batch sent again`,
      figure: `${r.replay.status} in ${seconds(r.replay.ms)}`,
      target: '200 within 2 s',
      result: verdict(r.replay.status === 200 && r.replay.ms <= 2_000),
    },
    {
      metric: `Bulk payout recording: from the 202 until all ${thousands(r.items)} items are payouts (advance-batches)`,
      figure: seconds(r.recordedMs),
      target: 'none (report only)',
      result: '—',
    },
    {
      metric:
        `Bulk payout sending: from the 202 until Paypro has all ${thousands(r.items)} items ` +
        `(Paypro answers in ${r.latencyMs} ms; send-batch-items at maximum concurrency ${r.sendConcurrency})`,
      figure: `${seconds(r.sentMs)}; never sent ${r.neverSent}`,
      target: 'every item sent',
      result: verdict(r.neverSent === 0),
    },
    {
      metric: 'Bulk payout: Paypro payout calls per item',
      figure: `${calls.toFixed(3)} (${thousands(r.payoutCalls)} calls; ${r.duplicates} items sent more than once)`,
      target: '1',
      result: verdict(r.payoutCalls === r.items && r.duplicates === 0),
    },
    {
      metric: `Bulk payout: writes to the caps' counters for the ${thousands(r.items)}-item batch (distinct mobiles)`,
      figure: `${thousands(r.capWrites)} (${(r.capWrites / r.items).toFixed(2)} per item)`,
      target: '1 for the day + 1 per recipient',
      result: verdict(r.capWrites === r.items + 1),
    },
  ];
}

function floatRows(r: FloatResults): Row[] {
  return [
    {
      metric: `Paypro balance calls per single payout (${r.payouts} payouts through create-payout, wired from the environment, against the sandbox, which counts every Balance Inquiry)`,
      figure: `${(r.balanceCalls / r.payouts).toFixed(2)} (${r.balanceCalls} calls); sent ${r.sent} of ${r.payouts}; replies ${statusList(r.statuses)}`,
      target: '0',
      result: r.sent === r.payouts ? verdict(r.balanceCalls === 0) : 'FAIL: not every payout sent',
    },
  ];
}

function localStackRows(r: LocalStackResults): Row[] {
  const stack =
    'in-process startLocalDeps (dynalite + Secrets Manager endpoint + Paypro sandbox) + composed handlers behind a loopback HTTP front; not serverless-offline';
  const n = r.concurrency;
  const allCreated = r.distinct.statuses['201'] === n;
  const oneCreated = r.identical.statuses['201'] === 1 && r.identical.statuses['200'] === n - 1;
  return [
    {
      metric: `Local stack throughput, ${n} concurrent distinct payouts (${stack})`,
      figure: `${((n * 1000) / r.distinct.wallMs).toFixed(1)} payouts/s (${n} in ${ms(r.distinct.wallMs, 0)}); replies ${statusList(r.distinct.statuses)}`,
      target: 'none (report only)',
      result: allCreated ? '—' : 'FAIL: not all 201',
    },
    {
      metric: `Local stack latency per request, ${n} concurrent distinct payouts`,
      figure: `p50 ${ms(r.distinct.p50, 1)}, p99 ${ms(r.distinct.p99, 1)}`,
      target: 'none (report only)',
      result: '—',
    },
    {
      metric: `Duplicate sends to Paypro, ${n} concurrent distinct payouts (tradeNos the sandbox received more than once)`,
      figure: `${r.distinct.duplicates}; never sent: ${r.distinct.neverSent}`,
      target: '0',
      result: verdict(r.distinct.duplicates === 0),
    },
    {
      metric: `Duplicate sends to Paypro, ${n} concurrent identical requests for one tradeNo (sandbox calls − 1)`,
      figure:
        `${Math.max(0, r.identical.payoutCalls - 1)} (${r.identical.payoutCalls} Paypro call); replies ` +
        `${statusList(r.identical.statuses)}; p50 ${ms(r.identical.p50, 1)}, p99 ${ms(r.identical.p99, 1)}, ` +
        `wall ${ms(r.identical.wallMs, 0)}`,
      target: '0',
      result:
        r.identical.payoutCalls === 0
          ? 'FAIL: never sent'
          : `${verdict(r.identical.payoutCalls === 1)}${oneCreated ? '' : ' (replies not 1×201 + rest 200)'}`,
    },
  ];
}

function violations(
  handlers: HandlerResults,
  stack: LocalStackResults,
  drain: DrainResults,
  batch: BatchResults,
): string[] {
  const found: string[] = [];
  if (batch.duplicates > 0) found.push(`${batch.duplicates} batch items reached the sandbox more than once`);
  if (drain.resends > 0) found.push(`the reconciler drain sent ${drain.resends} payouts again`);
  if (handlers.payproDuplicates > 0) {
    found.push(`${handlers.payproDuplicates} payouts reached the fake Paypro more than once (handler run)`);
  }
  if (stack.distinct.duplicates > 0) {
    found.push(`${stack.distinct.duplicates} distinct payouts reached the sandbox more than once`);
  }
  if (stack.identical.payoutCalls > 1) {
    found.push(`one tradeNo reached the sandbox ${stack.identical.payoutCalls} times`);
  }
  return found;
}

const elapsedS = (started: number) => (performance.now() - started) / 1000;

/** Writes the fresh sections into docs/performance.md and shows them on stdout. */
async function publish(sections: readonly Section[]): Promise<void> {
  await writePerformance(sections);
  for (const section of sections) console.log(`${renderSection(section)}\n`);
  console.log(`Written to ${fileURLToPath(PERFORMANCE_FILE)}`);
}

/** Replaces the rows `replaced` picks in one section of docs/performance.md, keeping its others and its stamp. */
async function publishRows(
  id: SectionId,
  rows: readonly Row[],
  replaced: (row: Row) => boolean,
  note: string,
): Promise<void> {
  await replaceRows(id, rows, replaced, note);
  console.log(`Written to ${fileURLToPath(PERFORMANCE_FILE)}`);
}

/** `npm run bench -- batch`: only the bulk payout rows; the file keeps its other sections. */
async function batchOnly(started: number): Promise<void> {
  const { benchBatch } = await import('./batch');
  const batch = await benchBatch(progress);
  const stamp = machineStamp(new Date(), elapsedS(started), '`npm run bench -- batch`');
  await publish([{ id: 'batch', stamp, rows: batchRows(batch) }]);
  if (batch.duplicates > 0) {
    console.log(
      `!!! EXACTLY-ONCE VIOLATED: ${batch.duplicates} batch items reached the sandbox more than once`,
    );
    process.exitCode = 1;
  }
}

/**
 * `npm run bench -- bundles`: only the bundle rows, written into the core section in place of its
 * bundle rows; its other rows and its stamp are kept, with a note saying when the bundles were
 * measured again.
 */
async function bundlesOnly(started: number): Promise<void> {
  const rows = bundleRows(await benchBundles());
  const stamp = machineStamp(new Date(), elapsedS(started), '`npm run bench -- bundles`');
  await publishRows(
    'core',
    rows,
    (row) => row.metric.startsWith('Bundle '),
    `Bundle rows re-measured: ${stamp}`,
  );
  const failed = rows.filter((row) => row.result.startsWith('FAIL'));
  console.log(
    rows
      .map(
        (row) => `${row.result}\t${row.metric.split(':')[0]}\t${row.figure.split(';').slice(0, 2).join(';')}`,
      )
      .join('\n'),
  );
  if (failed.length > 0) console.log(`${failed.length} bundle rows FAIL`);
}

/** `npm run bench -- outage`: only the Paypro outage rows; the file keeps its other sections. */
async function outageOnly(started: number): Promise<void> {
  const { benchOutage } = await import('./outage');
  const outage = await benchOutage(progress);
  const stamp = machineStamp(new Date(), elapsedS(started), '`npm run bench -- outage`');
  await publish([{ id: 'outage', stamp, rows: outageRows(outage) }]);
  reportOutageDuplicates(outage);
}

/** A tradeNo Paypro received twice across an outage breaks exactly once: say so and fail the run. */
function reportOutageDuplicates(outage: OutageResults): void {
  const twice = outage.gateway.repeated + outage.hang.repeated;
  if (twice === 0) return;
  console.log(
    `!!! EXACTLY-ONCE VIOLATED: ${twice} tradeNos reached the sandbox more than once across an outage`,
  );
  process.exitCode = 1;
}

/** `npm run bench -- float`: only the float rows; the file keeps its other sections. */
async function floatOnly(started: number): Promise<void> {
  const { benchFloatCalls } = await import('./float');
  const float = await benchFloatCalls(FLOAT_PAYOUTS);
  const stamp = machineStamp(new Date(), elapsedS(started), '`npm run bench -- float`');
  await publish([{ id: 'float', stamp, rows: floatRows(float) }]);
}

async function main(): Promise<void> {
  const started = performance.now();
  // Before any module of lib/ or functions/ loads: they read the environment at import.
  applyBenchEnv();
  if (process.argv.slice(2).includes('batch')) return batchOnly(started);
  if (process.argv.slice(2).includes('float')) return floatOnly(started);
  if (process.argv.slice(2).includes('outage')) return outageOnly(started);
  if (process.argv.slice(2).includes('bundles')) return bundlesOnly(started);
  const bundles = await benchBundles();

  progress(`timing ${HANDLER_N} payouts and ${HANDLER_N} callbacks in process`);
  const { benchHandlers } = await import('./handlers');
  const handlers = await benchHandlers(HANDLER_N, HANDLER_WARMUP);

  progress(`firing ${CONCURRENCY} concurrent payouts at the local stack`);
  const { benchLocalStack } = await import('./local-stack');
  const stack = await benchLocalStack(CONCURRENCY);

  progress(
    `draining ${DRAIN_PAYOUTS} due payouts with the reconciler (sandbox queries take ${DRAIN_QUERY_DELAY_MS} ms)`,
  );
  const { benchReconcileDrain } = await import('./reconcile-drain');
  const drain = await benchReconcileDrain(DRAIN_PAYOUTS, DRAIN_QUERY_DELAY_MS, progress);

  progress('bulk payouts: intake at three sizes, then recording and sending');
  const { benchBatch } = await import('./batch');
  const batch = await benchBatch(progress);

  progress(`${FLOAT_PAYOUTS} single payouts while the sandbox counts balance calls`);
  const { benchFloatCalls } = await import('./float');
  const float = await benchFloatCalls(FLOAT_PAYOUTS);

  progress('Paypro outages through npm start: 503, then no answer, each 60 s during a 1,000-item batch');
  const { benchOutage } = await import('./outage');
  const outage = await benchOutage(progress);

  const core = [
    ...bundleRows(bundles),
    ...handlerRows(handlers),
    ...indexRows(handlers),
    ...localStackRows(stack),
    ...drainRows(drain),
  ];
  const stamp = machineStamp(new Date(), elapsedS(started), 'a full `npm run bench`');
  await publish([
    { id: 'core', stamp, rows: core },
    { id: 'batch', stamp, rows: batchRows(batch) },
    { id: 'float', stamp, rows: floatRows(float) },
    { id: 'outage', stamp, rows: outageRows(outage) },
  ]);
  const broken = violations(handlers, stack, drain, batch);
  if (broken.length > 0) {
    console.log('');
    for (const line of broken) console.log(`!!! EXACTLY-ONCE VIOLATED: ${line}`);
    process.exitCode = 1;
  }
  reportOutageDuplicates(outage);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    // Everything started here is closed by now; if a handle still holds the process, say so and end it.
    setTimeout(() => {
      console.error('bench: something still holds the process open; exiting');
      process.exit(process.exitCode ?? 1);
    }, 10_000).unref();
  });
