import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');

/** The functions of serverless.yml, by name, and the floor bundle's entry. */
export const ENTRIES: Readonly<Record<string, string>> = {
  'create-payout': 'functions/create-payout.ts',
  'get-payout': 'functions/get-payout.ts',
  'paypro-callback': 'functions/paypro-callback.ts',
  reconcile: 'functions/reconcile.ts',
  'publish-events': 'functions/publish-events.ts',
  'sweep-outbox': 'functions/sweep-outbox.ts',
  'deliver-webhooks': 'functions/deliver-webhooks.ts',
  'create-payout-batch': 'functions/create-payout-batch.ts',
  'get-payout-batch': 'functions/get-payout-batch.ts',
  'get-payout-batch-report': 'functions/get-payout-batch-report.ts',
  'send-batch-items': 'functions/send-batch-items.ts',
  'get-openapi': 'functions/get-openapi.ts',
  'admin-list-payouts': 'functions/admin-list-payouts.ts',
  'admin-resolve-payout': 'functions/admin-resolve-payout.ts',
  'admin-resend-payout': 'functions/admin-resend-payout.ts',
  'admin-daily-report': 'functions/admin-daily-report.ts',
  'advance-batches': 'functions/advance-batches.ts',
  'wake-batches': 'functions/wake-batches.ts',
  'admin-get-payout': 'functions/admin-get-payout.ts',
  'admin-get-batch': 'functions/admin-get-batch.ts',
  'admin-batch-report': 'functions/admin-batch-report.ts',
  'admin-list-batches': 'functions/admin-list-batches.ts',
  'admin-approve-batch': 'functions/admin-approve-batch.ts',
  'admin-cancel-batch': 'functions/admin-cancel-batch.ts',
  'admin-get-balance': 'functions/admin-get-balance.ts',
  'admin-get-receipt': 'functions/admin-get-receipt.ts',
  'float-monitor': 'functions/float-monitor.ts',
  'paypro-breaker': 'functions/paypro-breaker.ts',
  'admin-get-paypro-status': 'functions/admin-get-paypro-status.ts',
  floor: 'bench/floor-entry.ts',
  'floor-events': 'bench/floor-events-entry.ts',
  'floor-webhooks': 'bench/floor-webhooks-entry.ts',
  'floor-batches': 'bench/floor-batches-entry.ts',
  'floor-batch-steps': 'bench/floor-batch-steps-entry.ts',
  'floor-batch-sends': 'bench/floor-batch-sends-entry.ts',
  'floor-float': 'bench/floor-float-entry.ts',
};

/** Each floor bundle and the AWS clients it holds: the least a function with those clients loads. */
export const FLOORS: Readonly<Record<string, string>> = {
  floor: 'DynamoDB + DocumentClient + Secrets Manager clients only',
  'floor-events': 'DynamoDB + DocumentClient + EventBridge clients only',
  'floor-webhooks': 'SQS + Secrets Manager clients only',
  'floor-batches': 'DynamoDB + DocumentClient + SQS clients only',
  'floor-batch-steps': 'DynamoDB + DocumentClient + SQS + EventBridge + Secrets Manager clients only',
  'floor-batch-sends': 'DynamoDB + DocumentClient + SQS + Secrets Manager clients only',
  'floor-float': 'DynamoDB + DocumentClient + Secrets Manager + EventBridge clients only',
};

/** The floor a function is held to: the one with the same AWS clients. */
export function floorOf(name: string): string {
  if (name === 'publish-events' || name === 'sweep-outbox') return 'floor-events';
  if (name === 'deliver-webhooks') return 'floor-webhooks';
  if (name === 'advance-batches') return 'floor-batch-steps';
  // Held items are sent again with a delay: the sender carries SQS besides the payout's clients.
  if (name === 'send-batch-items') return 'floor-batch-sends';
  // The breaker's prober holds the same clients: the payout query's secret, the event bus.
  if (name === 'float-monitor' || name === 'paypro-breaker') return 'floor-float';
  if (['create-payout-batch', 'wake-batches', 'admin-approve-batch', 'admin-cancel-batch'].includes(name)) {
    return 'floor-batches';
  }
  return 'floor';
}

/** A built bundle: its name, file and size, and that size by where the code comes from. */
export interface Bundle {
  name: string;
  file: string;
  bytes: number;
  /** Bytes in the output by package (`zod`, `@aws-sdk`, … by scope) and `service code` for ours. */
  origins: Map<string, number>;
}

/** The package (by scope, when scoped) an input of the bundle belongs to, or `service code`. */
export function originOf(input: string): string {
  const parts = input.split('node_modules/');
  // `zod/v4/core/…` → `zod`; `@aws-sdk/client-dynamodb/…` → `@aws-sdk`.
  return parts.length === 1 ? 'service code' : (parts.at(-1)?.split('/')[0] ?? 'unknown');
}

/**
 * Builds each entry as serverless.yml's custom.esbuild does (bundle, minify, node, ESM,
 * node22, .mjs, the createRequire banner), without a source map so the size is the code's.
 */
export async function buildBundles(outDir: string): Promise<Bundle[]> {
  const bundles: Bundle[] = [];
  for (const [name, entry] of Object.entries(ENTRIES)) {
    // One build per entry, as serverless-esbuild packages each function individually.
    const { metafile } = await build({
      absWorkingDir: ROOT,
      entryPoints: { [name]: entry },
      outdir: outDir,
      bundle: true,
      minify: true,
      sourcemap: false,
      target: 'node22',
      platform: 'node',
      format: 'esm',
      outExtension: { '.js': '.mjs' },
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      logLevel: 'silent',
      metafile: true,
    });
    const file = join(outDir, `${name}.mjs`);
    const origins = new Map<string, number>();
    for (const output of Object.values(metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const origin = originOf(input);
        origins.set(origin, (origins.get(origin) ?? 0) + bytesInOutput);
      }
    }
    bundles.push({ name, file, bytes: (await stat(file)).size, origins });
  }
  return bundles;
}

// Times only the import itself, not node's own start-up, and exits at once so that nothing a
// bundle leaves open can stretch the run.
const LOAD_SCRIPT = [
  'const t0 = performance.now();',
  'await import(process.argv[1]);',
  'const ms = performance.now() - t0;',
  'process.stdout.write(String(ms), () => process.exit(0));',
].join('\n');

/** One import of `bundle` in a fresh `node` process with only `env` (plus PATH): its time in ms. */
async function loadOnce(bundle: Bundle, env: Readonly<Record<string, string>>): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', LOAD_SCRIPT, pathToFileURL(bundle.file).href],
    { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
  );
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`load of ${bundle.name} printed ${JSON.stringify(stdout)}`);
  return ms;
}

/** A bundle's load time and its floor's, each the fastest of runs taken alternately, one after the other. */
export interface LoadPair {
  ms: number;
  floorMs: number;
}

/**
 * The load time of each bundle against its floor's: `runs` imports of each, each in a fresh node
 * process, alternating bundle and floor (which goes first alternates too), so a slow spell of a
 * shared machine lands on both. Each is the fastest of its runs: noise only ever adds time, so
 * the minimum is the figure least moved by the machine's load. A floor's own figure is the
 * fastest of all its runs.
 */
export async function measureLoadPairs(
  bundles: readonly Bundle[],
  runs: number,
  env: Readonly<Record<string, string>>,
  floorName: (name: string) => string,
): Promise<Map<string, LoadPair>> {
  const byName = new Map(bundles.map((b) => [b.name, b]));
  const floorFastest = new Map<string, number>();
  const pairs = new Map<string, LoadPair>();
  for (const bundle of bundles.filter((b) => floorName(b.name) !== b.name)) {
    const floor = byName.get(floorName(bundle.name));
    if (!floor) throw new Error(`floor bundle of ${bundle.name} missing`);
    const pair = await alternate(bundle, floor, runs, env);
    floorFastest.set(floor.name, Math.min(floorFastest.get(floor.name) ?? pair.floorMs, pair.floorMs));
    pairs.set(bundle.name, pair);
  }
  for (const bundle of bundles.filter((b) => floorName(b.name) === b.name)) {
    const ms = floorFastest.get(bundle.name) ?? (await loadOnce(bundle, env));
    pairs.set(bundle.name, { ms, floorMs: ms });
  }
  return pairs;
}

/** `runs` imports of `bundle` and of `floor`, alternately (which goes first alternates too): the fastest of each. */
async function alternate(
  bundle: Bundle,
  floor: Bundle,
  runs: number,
  env: Readonly<Record<string, string>>,
): Promise<LoadPair> {
  let ms = Number.POSITIVE_INFINITY;
  let floorMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i += 1) {
    if (i % 2 === 0) floorMs = Math.min(floorMs, await loadOnce(floor, env));
    ms = Math.min(ms, await loadOnce(bundle, env));
    if (i % 2 === 1) floorMs = Math.min(floorMs, await loadOnce(floor, env));
  }
  return { ms, floorMs };
}
