import { createPayoutHandler } from '../../functions/create-payout';
import { getPayoutHandler } from '../../functions/get-payout';
import { payproCallbackHandler } from '../../functions/paypro-callback';
import { reconcileHandler } from '../../functions/reconcile';
import { LOCAL_CAPS } from '../../infra/local/caps';
import { type LocalDepsOptions, startLocalDeps } from '../../infra/local/deps';
import { type Config, loadConfig } from '../../lib/config';
import { requestHash } from '../../lib/payouts/create';
import type { PayoutRepository } from '../../lib/payouts/repository';
import type { Counter, MetricName } from '../../lib/shared/metrics';
import { buildDeps, type Deps } from '../../lib/wiring/payouts';
import { startCallbackServer } from './callback-server';
import { lambdaContext } from './events';

export const TEST_SECRET = {
  merchantNo: '0000000042',
  appSecret: 'integration-app-secret',
  callbackKey: 'integration-callback-key-0123456789',
};

/** A Counter that remembers what was counted. */
export function recordingCounter(): Counter & { counts: Partial<Record<MetricName, number>> } {
  const counts: Partial<Record<MetricName, number>> = {};
  return {
    counts,
    count(name, value = 1) {
      counts[name] = (counts[name] ?? 0) + value;
    },
  };
}

/**
 * dynalite, the Secrets Manager endpoint and the Paypro sandbox in this process, the real
 * handlers wired to them through the same environment variables the Lambdas read, and a
 * loopback HTTP front so the sandbox's callbacks reach the callback handler over HTTP.
 */
export async function startStack(
  env: Record<string, string> = {},
  sandbox: { slowMs: number; settleMs: number; queryDelayMs?: number } = { slowMs: 1_500, settleMs: 200 },
  options: Pick<LocalDepsOptions, 'webhooks' | 'onEvent'> = {},
) {
  const local = await startLocalDeps({
    ...options,
    stage: 'test',
    secret: TEST_SECRET,
    salt: 'prefix',
    sandbox: { ...sandbox, callbackScheduleMs: [50, 100, 100, 100, 100, 100, 100, 100] },
  });
  let callbackHandler: ReturnType<typeof payproCallbackHandler> | undefined;
  const callbacks = await startCallbackServer(() => {
    if (!callbackHandler) throw new Error('stack not ready');
    return callbackHandler;
  });
  Object.assign(
    process.env,
    local.env,
    { PUBLIC_BASE_URL: callbacks.baseUrl, PAYPRO_TIMEOUT_MS: '500', RECONCILE_MIN_AGE_S: '1' },
    LOCAL_CAPS,
    env,
  );
  const config: Config = loadConfig();
  const counter = recordingCounter();
  const deps: Deps = { ...buildDeps(config), counter };
  callbackHandler = payproCallbackHandler(deps);
  const reconcile = reconcileHandler(deps);
  if (!local.sandbox) throw new Error('the test stack always runs the sandbox');
  return {
    config,
    deps,
    counter,
    sandbox: local.sandbox,
    local,
    callbacks,
    createPayout: createPayoutHandler(deps, config),
    getPayout: getPayoutHandler(deps),
    callback: callbackHandler,
    reconcile: () => reconcile({}, lambdaContext()),
    close: async () => {
      await callbacks.close();
      await local.close();
    },
  };
}

/** Writes a PENDING payout as a crash would leave it: recorded, with or without `sentAt`, never answered. */
export async function recordCrashedPayout(
  repository: PayoutRepository,
  id: string,
  sent: boolean,
): Promise<void> {
  const at = new Date().toISOString();
  await repository.create(
    {
      tradeNo: id,
      amount: 70,
      mobile: '254712345678',
      status: 'PENDING',
      requestHash: requestHash({ amount: 70, mobile: '254712345678' }),
      createdAt: at,
      updatedAt: at,
      history: [{ at, source: 'api', status: 'PENDING', note: 'payout requested' }],
    },
    at,
  );
  if (sent) await repository.markSent(id, at, 'crashed-claim');
}
