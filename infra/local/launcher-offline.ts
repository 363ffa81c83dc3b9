/*
 * serverless-offline under `npm start`: the API and every function of serverless.yml, on the
 * local services' endpoints, its output prefixed `[api]`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { localCaps } from './caps';
import type { LocalDeps } from './deps';
import { settings } from './launcher-settings';

const env = process.env;

const QUIET_LINE = /^\(λ: (?:sweep-outbox|float-monitor)\) RequestId: \S+\s+Duration: /;

/** Starts serverless-offline; `ready` resolves once it serves. */
export function startOffline(deps: LocalDeps, apiUrl: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(
    process.execPath,
    ['node_modules/serverless/bin/serverless.js', 'offline', 'start', '--stage', settings.stage],
    {
      env: {
        ...env,
        ...deps.env,
        // The caps of this local stage: generous unless DAILY_MAX_COUNT and the like name others.
        ...localCaps(env),
        PUBLIC_BASE_URL: apiUrl,
        // Locally the reconciler looks at a payout after 10 s rather than a minute.
        RECONCILE_MIN_AGE_S: env.RECONCILE_MIN_AGE_S ?? '10',
        // The sweep below stands in for the stream: it must publish an outbox as soon as it sees it.
        OUTBOX_SWEEP_MIN_AGE_S: env.OUTBOX_SWEEP_MIN_AGE_S ?? '0',
        // Webhook retries in seconds and minutes rather than minutes and hours.
        WEBHOOK_RETRY_SCALE: env.WEBHOOK_RETRY_SCALE ?? '0.01',
        // A sending batch is counted every few seconds rather than every minute.
        BATCH_CHECK_INTERVAL_S: env.BATCH_CHECK_INTERVAL_S ?? '2',
        // A batch waiting for funds reads the float again every few seconds, so a top-up shows at once.
        FLOAT_RECHECK_S: env.FLOAT_RECHECK_S ?? '5',
        // The float monitor's watermark (required deployed) and a check every 30 s rather than 5 min.
        FLOAT_LOW_WATERMARK: settings.floatLowWatermark,
        FLOAT_CHECK_S: settings.floatCheckS,
        LOCAL_API_KEY: settings.apiKey,
        LOCAL_ADMIN_KEY: settings.adminKey,
        OFFLINE_HTTP_PORT: String(settings.apiPort),
        OFFLINE_LAMBDA_PORT: String(settings.lambdaPort),
        // The SDK's warning that Node 20 is near its end; on Node 22 (Lambda's) nothing is silenced.
        ...(Number(process.versions.node.split('.')[0]) < 22 && {
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        }),
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`serverless offline exited with code ${code} before it was ready`)),
    );
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        // The outbox sweep (every second) and the float monitor (every few): their duration lines would drown the rest.
        if (QUIET_LINE.test(line)) return;
        process.stdout.write(`[api] ${line}\n`);
        if (/Server ready: https?:\/\//.test(line)) resolve();
      });
    }
  });
  return { child, ready };
}
