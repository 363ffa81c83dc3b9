/**
 * `npm start`: the whole service on loopback with embedded defaults — dynalite with the
 * payouts table, a Secrets Manager endpoint with a dev secret, the Paypro sandbox (unless
 * PAYPRO_BASE_URL points elsewhere) and the API through serverless-offline. Ctrl-C stops all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { functionName, invokeLocal } from './invoke';
import { SANDBOX_MOBILES } from './paypro-sandbox';
import { type LocalServices, startLocalServices } from './services';

const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);

const settings = {
  stage: env.STAGE ?? 'dev',
  apiPort: port('API_PORT', 3000),
  lambdaPort: port('LAMBDA_PORT', 3002),
  apiKey: env.LOCAL_API_KEY ?? 'local-dev-key',
  reconcileIntervalS: Number(env.RECONCILE_INTERVAL_S ?? 30),
  salt: env.PAYPRO_SIGN_SALT === 'suffix' ? ('suffix' as const) : ('prefix' as const),
  payproBaseUrl: env.PAYPRO_BASE_URL || undefined,
  secret: {
    merchantNo: env.PAYPRO_MERCHANT_NO ?? '0000000001',
    appSecret: env.PAYPRO_APP_SECRET ?? 'local-dev-app-secret',
    callbackKey: env.PAYPRO_CALLBACK_KEY ?? 'local-dev-callback-key-change-me',
  },
};

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
        PUBLIC_BASE_URL: apiUrl,
        // Locally the reconciler looks at a payout after 10 s rather than a minute.
        RECONCILE_MIN_AGE_S: env.RECONCILE_MIN_AGE_S ?? '10',
        LOCAL_API_KEY: settings.apiKey,
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
        process.stdout.write(`[api] ${line}\n`);
        if (/Server ready: https?:\/\//.test(line)) resolve();
      });
    }
  });
  return { child, ready };
}

async function runReconciler(): Promise<void> {
  try {
    const summary = await invokeLocal(settings.lambdaPort, functionName(settings.stage, 'reconcile'));
    console.log(`[reconciler] ${JSON.stringify(summary)}`);
  } catch (error) {
    console.error(`[reconciler] ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function main(): Promise<void> {
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
  });
  const apiUrl = `http://localhost:${settings.apiPort}/${settings.stage}`;
  const offline = startOffline(services, apiUrl);

  let stopping = false;
  let reconciler: NodeJS.Timeout | undefined;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(reconciler);
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
  // serverless-offline does not run schedules: stand in for EventBridge.
  reconciler = setInterval(() => void runReconciler(), settings.reconcileIntervalS * 1000);
  const paypro = services.sandbox
    ? `${services.sandbox.url} (local sandbox)`
    : `${settings.payproBaseUrl} (PAYPRO_BASE_URL)`;
  console.log(
    [
      '',
      'Payout service ready.',
      `  API:             ${apiUrl}   (header x-api-key: ${settings.apiKey})`,
      `  Paypro:          ${paypro}`,
      `  DynamoDB:        ${services.env.AWS_ENDPOINT_URL_DYNAMODB} (table ${services.env.PAYOUTS_TABLE})`,
      `  Secrets Manager: ${services.env.AWS_ENDPOINT_URL_SECRETS_MANAGER} (secret ${services.env.PAYPRO_SECRET_ID})`,
      `  Reconciler:      every ${settings.reconcileIntervalS} s (npm run reconcile runs it once)`,
      ...(services.sandbox
        ? [
            '  Sandbox mobiles: succeeds at once ' +
              `${SANDBOX_MOBILES.succeeds}, rejected ${SANDBOX_MOBILES.rejected}, ` +
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
