/**
 * `npm start`: the whole service on loopback with embedded defaults — dynalite with the
 * payouts and payout batches tables, a Secrets Manager endpoint with a dev secret, the Paypro
 * sandbox (unless PAYPRO_BASE_URL points elsewhere), the API through serverless-offline, the
 * event path: outbox -> publish-events -> the stage bus -> the webhooks queue ->
 * deliver-webhooks -> the endpoint WEBHOOK_URL names, and the bulk path: create-payout-batch ->
 * the batch-steps queue -> advance-batches (woken by wake-batches too) -> the batch-sends queue ->
 * send-batch-items. Ctrl-C stops all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { SQSBatchResponse } from 'aws-lambda';
import { startConsole } from '../../console/server/server';
import { localUpstream } from '../../console/server/upstream';
import { generateWebhookSecret, webhookKey } from '../../lib/webhooks/sign';
import { localCaps } from './caps';
import { LOCAL_DEV_SECRET } from './dev-secret';
import { createSqsEventSource, type SqsEventSource } from './event-source';
import type { EventEnvelope } from './eventbridge';
import { functionName, invokeLocal } from './invoke';
import { maskCallbackTokensIn } from './log-mask';
import { SANDBOX_MOBILES } from './paypro-sandbox';
import { type LocalServices, startLocalServices } from './services';

// First, before anything prints: no line of npm start may show a callback token.
maskCallbackTokensIn(process.stdout);
maskCallbackTokensIn(process.stderr);

const env = process.env;
// The SDK's warning that Node 20 is near its end (the launcher's own SQS clients would print it
// too); on Node 22 (Lambda's) nothing is silenced.
if (Number(process.versions.node.split('.')[0]) < 22) {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);

const settings = {
  stage: env.STAGE ?? 'dev',
  apiPort: port('API_PORT', 3000),
  lambdaPort: port('LAMBDA_PORT', 3002),
  apiKey: env.LOCAL_API_KEY ?? 'local-dev-key',
  // What the stand-in for IAM (infra/local/iam-authorizer.cjs) wants on the /admin routes.
  adminKey: env.LOCAL_ADMIN_KEY || 'local-admin-key',
  reconcileIntervalS: Number(env.RECONCILE_INTERVAL_S ?? 30),
  // wake-batches' schedule is a minute deployed; locally a few seconds.
  wakeBatchesIntervalS: Number(env.WAKE_BATCHES_INTERVAL_S ?? 5),
  // send-batch-items invocations at once: the batchSendConcurrency param's default (AWS's minimum),
  // which bounds how hard a batch hits Paypro; more to drain a big batch faster locally.
  batchSendConcurrency: Number(env.LOCAL_BATCH_SEND_CONCURRENCY ?? 2),
  salt: env.PAYPRO_SIGN_SALT === 'suffix' ? ('suffix' as const) : ('prefix' as const),
  payproBaseUrl: env.PAYPRO_BASE_URL || undefined,
  // Stands in for the table stream (see sweepOutbox); 0 turns it off.
  outboxIntervalMs: Number(env.LOCAL_OUTBOX_INTERVAL_MS ?? 1000),
  webhookUrl: env.WEBHOOK_URL || undefined,
  secret: {
    merchantNo: env.PAYPRO_MERCHANT_NO ?? LOCAL_DEV_SECRET.merchantNo,
    appSecret: env.PAYPRO_APP_SECRET ?? LOCAL_DEV_SECRET.appSecret,
    callbackKey: env.PAYPRO_CALLBACK_KEY ?? LOCAL_DEV_SECRET.callbackKey,
  },
};

/**
 * The one local webhook endpoint, from WEBHOOK_URL and WEBHOOK_SECRET; a secret is generated
 * (and shown, being a throwaway dev secret) when none is given. A given secret is never printed.
 */
function webhookEndpoint(): { url: string; secret: string; generated: boolean } | undefined {
  const url = settings.webhookUrl;
  if (url === undefined) return undefined;
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw new Error('WEBHOOK_URL must be an http(s) URL.');
  }
  const given = env.WEBHOOK_SECRET || undefined;
  if (given === undefined) return { url, secret: generateWebhookSecret(), generated: true };
  try {
    webhookKey(given);
  } catch {
    throw new Error(
      'WEBHOOK_SECRET must be a Standard Webhooks secret: whsec_ + base64 of 24 to 64 bytes (or unset it to have one generated).',
    );
  }
  return { url, secret: given, generated: false };
}

/** One line per event the bus receives: type, payout or batch, version, the change, eventId; never the mobile. */
function eventLine(event: EventEnvelope): string {
  const detail = event.detail;
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? value : '?');
  const change =
    detail.previousStatus === detail.status
      ? `(${text(detail.status)})`
      : `(${text(detail.previousStatus)} → ${text(detail.status)})`;
  const subject =
    detail.tradeNo === undefined ? `batchId=${text(detail.batchId)}` : `tradeNo=${text(detail.tradeNo)}`;
  return (
    `[event] ${event['detail-type'].padEnd(17)} ${subject} v${text(detail.version)} ` +
    `${change} eventId=${text(detail.eventId)}`
  );
}

const QUIET_LINE = /^\(λ: sweep-outbox\) RequestId: \S+\s+Duration: /;

function startOffline(
  services: LocalServices,
  apiUrl: string,
): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(
    process.execPath,
    ['node_modules/serverless/bin/serverless.js', 'offline', 'start', '--stage', settings.stage],
    {
      env: {
        ...env,
        ...services.env,
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
        // The outbox sweep runs every second: its per-invocation duration line would drown the rest.
        if (QUIET_LINE.test(line)) return;
        process.stdout.write(`[api] ${line}\n`);
        if (/Server ready: https?:\/\//.test(line)) resolve();
      });
    }
  });
  return { child, ready };
}

let waking = false;

/** Stands in for wake-batches' 1-minute schedule, every WAKE_BATCHES_INTERVAL_S; a tick is skipped while one runs. */
async function wakeBatches(stopping: () => boolean): Promise<void> {
  if (waking) return;
  waking = true;
  try {
    const summary = (await invokeLocal(
      settings.lambdaPort,
      functionName(settings.stage, 'wake-batches'),
      {},
    )) as { woken?: number } | undefined;
    if (summary?.woken) console.log(`[batches] woke ${summary.woken} batch(es) with a step due`);
  } catch (error) {
    if (!stopping()) console.error(`[batches] ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    waking = false;
  }
}

async function runReconciler(): Promise<void> {
  try {
    const summary = await invokeLocal(settings.lambdaPort, functionName(settings.stage, 'reconcile'));
    console.log(`[reconciler] ${JSON.stringify(summary)}`);
  } catch (error) {
    console.error(`[reconciler] ${error instanceof Error ? error.message : String(error)}`);
  }
}

/*
 * Stand-in for publish-events' DynamoDB stream trigger, which dynalite lacks: sweep-outbox's
 * scheduled sweep (`{}`), every LOCAL_OUTBOX_INTERVAL_MS, with OUTBOX_SWEEP_MIN_AGE_S=0. Faithful
 * enough, because what is published never depends on the trigger: every status change commits
 * its event into the payout item in the same conditional write (the outbox), and both the stream
 * path and the sweep run the same use case on it (publishPending: read the outbox, PutEvents,
 * clear it only if nothing was added meanwhile), so the events, their order per payout and their
 * eventIds (tradeNo:version) are the same; delivery is at least once either way. What differs is
 * only the trigger: up to one interval of delay instead of the stream's ~1 s, and 16 queries of
 * the sparse outbox index (only payouts with events waiting) instead of a filtered batch. Never
 * two of ours at once: a tick is skipped while one runs. (serverless-offline also fires the
 * function's 1-minute schedule from serverless.yml, which may overlap one; harmless, as on AWS
 * where the stream and the schedule overlap: the clear is conditional, eventIds are stable.)
 * Cost, measured through serverless-offline on 2 cores: 50-130 ms a sweep (p50 76 ms, p95 131 ms),
 * about 9 % of one core on top of an idle stack's 4 %; it does not grow with the table.
 */
let sweeping = false;
let lastSweepError: string | undefined;

async function sweepOutbox(stopping: () => boolean): Promise<void> {
  if (sweeping) return;
  sweeping = true;
  try {
    const summary = (await invokeLocal(
      settings.lambdaPort,
      functionName(settings.stage, 'sweep-outbox'),
      {},
    )) as { payouts?: number; events?: number; failed?: number } | undefined;
    if (lastSweepError !== undefined) console.log('[outbox] publishing again');
    lastSweepError = undefined;
    if (summary?.failed) console.error(`[outbox] ${JSON.stringify(summary)}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Once per distinct failure, not every second.
    if (!stopping() && message !== lastSweepError) console.error(`[outbox] ${message}`);
    lastSweepError = message;
  } finally {
    sweeping = false;
  }
}

/**
 * Lambda's event source mapping of one queue, as serverless.yml configures it: batches of
 * `batchSize`, ReportBatchItemFailures, at most `maximumConcurrency` invocations of `name` at once, through
 * serverless-offline (which runs no SQS event sources itself).
 */
function queueConsumer(
  services: LocalServices,
  queueUrl: string,
  name: string,
  { batchSize, maximumConcurrency }: { batchSize: number; maximumConcurrency: number },
  onError: (error: unknown) => void,
): SqsEventSource {
  return createSqsEventSource({
    endpoint: services.sqs.url,
    queueName: queueUrl.split('/').pop() as string,
    batchSize,
    maximumConcurrency,
    handler: async (event) =>
      (await invokeLocal(settings.lambdaPort, functionName(settings.stage, name), event)) as SQSBatchResponse,
    onError,
  });
}

async function main(): Promise<void> {
  let endpoint: ReturnType<typeof webhookEndpoint>;
  try {
    endpoint = webhookEndpoint();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  const services = await startLocalServices({
    stage: settings.stage,
    secret: settings.secret,
    salt: settings.salt,
    payproBaseUrl: settings.payproBaseUrl,
    ports: {
      dynamo: port('LOCAL_DYNAMODB_PORT', 0),
      secrets: port('LOCAL_SECRETS_PORT', 0),
      sandbox: port('LOCAL_PAYPRO_PORT', 0),
    },
    webhooks: endpoint ? [{ id: 'local', url: endpoint.url, secret: endpoint.secret }] : [],
    onEvent: (event) => console.log(eventLine(event)),
  });
  let stopping = false;
  const reportAs = (label: string) => (error: unknown) => {
    if (!stopping) console.error(`[${label}] ${error instanceof Error ? error.message : String(error)}`);
  };
  const webhooksQueue = services.env.WEBHOOKS_QUEUE_URL as string;
  const deliveries = queueConsumer(
    services,
    webhooksQueue,
    'deliver-webhooks',
    { batchSize: 10, maximumConcurrency: 5 },
    reportAs('webhooks'),
  );
  const batchSendsQueue = services.env.BATCH_SENDS_QUEUE_URL as string;
  const batchSends = queueConsumer(
    services,
    batchSendsQueue,
    'send-batch-items',
    { batchSize: 5, maximumConcurrency: settings.batchSendConcurrency },
    reportAs('batches'),
  );
  const batchStepsQueue = services.env.BATCH_STEPS_QUEUE_URL as string;
  const batchSteps = queueConsumer(
    services,
    batchStepsQueue,
    'advance-batches',
    { batchSize: 1, maximumConcurrency: 5 },
    reportAs('batches'),
  );
  const batchDeadLetters = services.sqs.queue(`${batchSendsQueue.split('/').pop()}-dlq`).url;
  const apiUrl = `http://localhost:${settings.apiPort}/${settings.stage}`;
  const offline = startOffline(services, apiUrl);

  let reconciler: NodeJS.Timeout | undefined;
  let outbox: NodeJS.Timeout | undefined;
  let wake: NodeJS.Timeout | undefined;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(reconciler);
    clearInterval(outbox);
    clearInterval(wake);
    // Ends the long polls at once; a delivery or send in flight gets a few seconds to finish.
    await Promise.race([
      Promise.all([deliveries.stop(), batchSends.stop(), batchSteps.stop()]),
      new Promise((resolve) => setTimeout(resolve, 3000).unref()),
    ]);
    offline.child.kill('SIGTERM');
    await services.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  offline.child.on('exit', () => void stop(stopping ? 0 : 1));

  try {
    await offline.ready;
  } catch (error) {
    console.error(String(error));
    await stop(1);
    return;
  }
  // serverless-offline fires serverless.yml's schedules (reconcile every 5 min); locally it runs
  // every RECONCILE_INTERVAL_S, and prints what it did.
  reconciler = setInterval(() => void runReconciler(), settings.reconcileIntervalS * 1000);
  wake = setInterval(() => void wakeBatches(() => stopping), settings.wakeBatchesIntervalS * 1000);
  // serverless-offline runs neither DynamoDB streams nor SQS event sources: stand in for both.
  if (settings.outboxIntervalMs > 0) {
    outbox = setInterval(() => void sweepOutbox(() => stopping), settings.outboxIntervalMs);
  }
  for (const [label, consumer, queueUrl] of [
    ['webhooks', deliveries, webhooksQueue],
    ['batches', batchSends, batchSendsQueue],
    ['batches', batchSteps, batchStepsQueue],
  ] as const) {
    try {
      await consumer.start();
    } catch (error) {
      console.error(`[${label}] could not poll ${queueUrl}: ${String(error)}`);
      await stop(1);
      return;
    }
  }
  let operatorConsole: string;
  try {
    operatorConsole = (
      await startConsole(localUpstream(apiUrl, settings.adminKey), port('CONSOLE_PORT', 3100))
    ).url;
  } catch (error) {
    console.error(`[console] could not listen (${String(error)}): set CONSOLE_PORT to a free port`);
    await stop(1);
    return;
  }
  const caps = localCaps(env);
  const paypro = services.sandbox
    ? `${services.sandbox.url} (local sandbox)`
    : `${settings.payproBaseUrl} (PAYPRO_BASE_URL)`;
  console.log(
    [
      '',
      'Payout service ready.',
      `  API:             ${apiUrl}   (header x-api-key: ${settings.apiKey})`,
      `  API document:    ${apiUrl}/openapi.json   (OpenAPI 3.1, no key)`,
      `  Operator API:    ${apiUrl}/admin/payouts, /admin/payouts/{tradeNo}/resolve, /admin/reports/daily.csv,`,
      '                   /admin/payout-batches, /admin/payout-batches/{batchId}/approve, …/cancel',
      `                   (header x-admin-key: ${settings.adminKey}, standing in for IAM; deployed: SigV4)`,
      `  Console:         ${operatorConsole}   (operator console; CONSOLE_PORT sets the port)`,
      `  Paypro:          ${paypro}`,
      `  DynamoDB:        ${services.env.AWS_ENDPOINT_URL_DYNAMODB} (tables ${services.env.PAYOUTS_TABLE}, ${services.env.PAYOUT_BATCHES_TABLE}, ${services.env.PAYOUT_LIMITS_TABLE})`,
      `  Daily caps:      ${caps.DAILY_MAX_AMOUNT} KES and ${caps.DAILY_MAX_COUNT} payouts a Kenya day; ` +
        `${caps.RECIPIENT_DAILY_MAX_AMOUNT} KES and ${caps.RECIPIENT_DAILY_MAX_COUNT} per mobile (e.g. DAILY_MAX_COUNT=10 npm start)`,
      `  Secrets Manager: ${services.env.AWS_ENDPOINT_URL_SECRETS_MANAGER} (secret ${services.env.PAYPRO_SECRET_ID})`,
      `  Reconciler:      every ${settings.reconcileIntervalS} s (npm run reconcile runs it once)`,
      `  Event bus:       ${services.env.EVENT_BUS_NAME} at ${services.env.AWS_ENDPOINT_URL_EVENTBRIDGE} (every event printed as [event])`,
      `  Outbox:          ${
        settings.outboxIntervalMs > 0
          ? `published every ${settings.outboxIntervalMs} ms (sweep-outbox, standing in for the table stream)`
          : 'not published (LOCAL_OUTBOX_INTERVAL_MS=0)'
      }`,
      `  Webhooks queue:  ${services.env.WEBHOOKS_QUEUE_URL} -> deliver-webhooks (DLQ ${services.env.WEBHOOKS_DLQ_URL})`,
      `  Batch steps:     ${batchStepsQueue} -> advance-batches (woken every ${settings.wakeBatchesIntervalS} s by wake-batches)`,
      `  Batch sends:     ${batchSendsQueue} -> send-batch-items, ${settings.batchSendConcurrency} at a time (DLQ ${batchDeadLetters})`,
      `  Batch approval:  ${env.BATCH_APPROVAL_ABOVE_AMOUNT ? `above ${env.BATCH_APPROVAL_ABOVE_AMOUNT} KES` : 'off (BATCH_APPROVAL_ABOVE_AMOUNT=100000 npm start turns it on)'}`,
      `  Webhook URL:     ${endpoint ? `${endpoint.url} (endpoint id local)` : 'none: set WEBHOOK_URL'}`,
      ...(endpoint?.generated
        ? [`  Webhook secret:  ${endpoint.secret} (generated for this run; set WEBHOOK_SECRET to choose one)`]
        : []),
      ...(services.sandbox
        ? [
            '  Sandbox mobiles: succeeds at once ' +
              `${SANDBOX_MOBILES.succeeds} (without a callback ${SANDBOX_MOBILES.succeedsQuietly}), rejected ${SANDBOX_MOBILES.rejected}, ` +
              `stays processing ${SANDBOX_MOBILES.staysProcessing}, slower than the timeout ${SANDBOX_MOBILES.slow}, ` +
              `never calls back ${SANDBOX_MOBILES.neverCallsBack}, calls back twice ${SANDBOX_MOBILES.callsBackTwice}`,
          ]
        : []),
      '',
      `Try: curl -s -X POST ${apiUrl}/payouts -H 'x-api-key: ${settings.apiKey}' -H 'content-type: application/json' \\`,
      `       -d '{"amount":100,"mobile":"0712345678","tradeNo":"demo-1"}'`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
