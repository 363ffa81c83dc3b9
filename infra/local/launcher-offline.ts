/*
 * serverless-offline under `npm start`: the API and every function of serverless.yml, on the
 * local services' endpoints, its output prefixed `[api]`. It listens on two ephemeral ports;
 * API_PORT and LAMBDA_PORT are served by the origin guard (origin-guard.ts) in front of them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { localCaps } from './caps';
import type { LocalDeps } from './deps';
import { settings } from './launcher-settings';
import { startOriginGuard } from './origin-guard';

const env = process.env;

const QUIET_LINE = /^\(λ: (?:sweep-outbox|float-monitor)\) RequestId: \S+\s+Duration: /;

// serverless.yml's custom.serverless-offline.host: where it listens, and so where the guards do.
const HOST = env.OFFLINE_HOST ?? '127.0.0.1';

/** A port free on HOST right now, for serverless-offline behind its guard. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts serverless-offline behind the origin guard; `ready` resolves once both guards serve
 * API_PORT and LAMBDA_PORT, `guards` then holds them (closed with the launcher).
 */
export async function startOffline(
  deps: LocalDeps,
  apiUrl: string,
): Promise<{ child: ChildProcess; ready: Promise<void>; guards: Server[] }> {
  const inner = { http: await freePort(), lambda: await freePort() };
  const guards: Server[] = [];
  // Its own lines name the inner ports: shown as the guarded ones, the only ones to call.
  const outward = (line: string) =>
    line
      .replaceAll(`${HOST}:${inner.http}`, `${HOST}:${settings.apiPort}`)
      .replaceAll(`${HOST}:${inner.lambda}`, `${HOST}:${settings.lambdaPort}`);
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
        OFFLINE_HTTP_PORT: String(inner.http),
        OFFLINE_LAMBDA_PORT: String(inner.lambda),
        // The SDK's warning that Node 20 is near its end; on Node 22 (Lambda's) nothing is silenced.
        ...(Number(process.versions.node.split('.')[0]) < 22 && {
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        }),
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const serving = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`serverless offline exited with code ${code} before it was ready`)),
    );
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        // The outbox sweep (every second) and the float monitor (every few): their duration lines would drown the rest.
        if (QUIET_LINE.test(line)) return;
        process.stdout.write(`[api] ${outward(line)}\n`);
        if (/Server ready: https?:\/\//.test(line)) resolve();
      });
    }
  });
  const ready = serving.then(async () => {
    guards.push((await startOriginGuard(HOST, settings.apiPort, inner.http)).server);
    guards.push((await startOriginGuard(HOST, settings.lambdaPort, inner.lambda)).server);
  });
  return { child, ready, guards };
}
