/**
 * `npm start`: the whole service on loopback with embedded defaults — dynalite with the
 * payouts and payout batches tables, a Secrets Manager endpoint with a dev secret, the Paypro
 * sandbox (unless PAYPRO_BASE_URL points elsewhere), the API through serverless-offline, the
 * event path: outbox -> publish-events -> the stage bus -> the webhooks queue ->
 * deliver-webhooks -> the endpoint WEBHOOK_URL names, and the bulk path: create-payout-batch ->
 * the batch-steps queue -> advance-batches (woken by wake-batches too) -> the batch-sends queue ->
 * send-batch-items. Ctrl-C stops all.
 */
import { startConsole } from '../../console/server/server';
import { localUpstream } from '../../console/server/upstream';
import { localCaps } from './caps';
import { type LocalDeps, startLocalDeps } from './deps';
import { startOffline } from './launcher-offline';
import { eventLine, readyBanner } from './launcher-output';
import { port, settings, webhookEndpoint } from './launcher-settings';
import {
  monitorFloat,
  queueConsumer,
  runReconciler,
  sweepOutbox,
  wakeBatches,
  watchPaypro,
} from './launcher-triggers';
import { maskCallbackTokensIn } from './log-mask';
import { removeStackFile, writeStackFile } from './stack-file';

// First, before anything prints: no line of npm start may show a callback token.
maskCallbackTokensIn(process.stdout);
maskCallbackTokensIn(process.stderr);

const env = process.env;
// The SDK's warning that Node 20 is near its end (the launcher's own SQS clients would print it
// too); on Node 22 (Lambda's) nothing is silenced.
if (Number(process.versions.node.split('.')[0]) < 22) {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** The webhook endpoint of WEBHOOK_URL, or the process ends with why it cannot be used. */
function webhookEndpointOrExit(): ReturnType<typeof webhookEndpoint> {
  try {
    return webhookEndpoint();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

/** The three SQS event sources serverless.yml configures, as the launcher polls them. */
function consumersOf(deps: LocalDeps, report: (label: string) => (error: unknown) => void) {
  const queues = {
    webhooks: deps.env.WEBHOOKS_QUEUE_URL as string,
    batchSends: deps.env.BATCH_SENDS_QUEUE_URL as string,
    batchSteps: deps.env.BATCH_STEPS_QUEUE_URL as string,
  };
  const consumers = [
    {
      label: 'webhooks',
      queueUrl: queues.webhooks,
      source: queueConsumer(
        deps,
        queues.webhooks,
        'deliver-webhooks',
        { batchSize: 10, maximumConcurrency: 5 },
        report('webhooks'),
      ),
    },
    {
      label: 'batches',
      queueUrl: queues.batchSends,
      source: queueConsumer(
        deps,
        queues.batchSends,
        'send-batch-items',
        { batchSize: 5, maximumConcurrency: settings.batchSendConcurrency },
        report('batches'),
      ),
    },
    {
      label: 'batches',
      queueUrl: queues.batchSteps,
      source: queueConsumer(
        deps,
        queues.batchSteps,
        'advance-batches',
        { batchSize: 1, maximumConcurrency: 5 },
        report('batches'),
      ),
    },
  ];
  return { queues, consumers };
}

/** Starts each consumer's polling; false (after saying which) when one cannot poll its queue. */
async function startConsumers(consumers: ReturnType<typeof consumersOf>['consumers']): Promise<boolean> {
  for (const { label, source, queueUrl } of consumers) {
    try {
      await source.start();
    } catch (error) {
      console.error(`[${label}] could not poll ${queueUrl}: ${String(error)}`);
      return false;
    }
  }
  return true;
}

async function main(): Promise<void> {
  const endpoint = webhookEndpointOrExit();
  const deps = await startLocalDeps({
    stage: settings.stage,
    secret: settings.secret,
    salt: settings.salt,
    payproBaseUrl: settings.payproBaseUrl,
    sandbox: { balance: settings.sandboxBalance, balancePath: settings.balancePath },
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
  const { queues, consumers } = consumersOf(deps, reportAs);
  const apiUrl = `http://localhost:${settings.apiPort}/${settings.stage}`;
  const offline = await startOffline(deps, apiUrl);

  const timers: NodeJS.Timeout[] = [];
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const timer of timers) clearInterval(timer);
    // Ends the long polls at once; a delivery or send in flight gets a few seconds to finish.
    await Promise.race([
      Promise.all(consumers.map(({ source }) => source.stop())),
      new Promise((resolve) => setTimeout(resolve, 3000).unref()),
    ]);
    offline.child.kill('SIGTERM');
    removeStackFile(process.pid);
    for (const guard of offline.guards) guard.close();
    await deps.close();
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
  timers.push(setInterval(() => void runReconciler(), settings.reconcileIntervalS * 1000));
  timers.push(setInterval(() => void wakeBatches(() => stopping), settings.wakeBatchesIntervalS * 1000));
  timers.push(setInterval(() => void monitorFloat(() => stopping), settings.floatMonitorIntervalS * 1000));
  timers.push(setInterval(() => void watchPaypro(() => stopping), settings.payproBreakerIntervalS * 1000));
  // serverless-offline runs neither DynamoDB streams nor SQS event sources: stand in for both.
  if (settings.outboxIntervalMs > 0) {
    timers.push(setInterval(() => void sweepOutbox(() => stopping), settings.outboxIntervalMs));
  }
  if (!(await startConsumers(consumers))) {
    await stop(1);
    return;
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
  // npm run reconcile reads the ports from here, so it follows a changed LAMBDA_PORT.
  writeStackFile({
    stage: settings.stage,
    apiPort: settings.apiPort,
    lambdaPort: settings.lambdaPort,
    pid: process.pid,
  });
  console.log(readyBanner(deps, { apiUrl, operatorConsole, endpoint, queues }, localCaps(env)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
