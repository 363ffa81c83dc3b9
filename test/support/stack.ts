import { createPayoutHandler } from '../../functions/create-payout';
import { getPayoutHandler } from '../../functions/get-payout';
import { startLocalServices } from '../../infra/local/services';
import { type Config, loadConfig } from '../../lib/config';
import { buildServices, type Services } from '../../lib/services';

export const TEST_SECRET = {
  merchantNo: '0000000042',
  appSecret: 'integration-app-secret',
  callbackKey: 'integration-callback-key-0123456789',
};

export const PUBLIC_BASE_URL = 'https://payouts.test/test';

/**
 * dynalite, the Secrets Manager endpoint and the Paypro sandbox in this process, and the
 * real handlers wired to them through the same environment variables the Lambdas read.
 */
export async function startStack(env: Record<string, string> = {}) {
  const local = await startLocalServices({
    stage: 'test',
    secret: TEST_SECRET,
    salt: 'prefix',
    sandbox: { slowMs: 1_500, settleMs: 200 },
  });
  Object.assign(process.env, local.env, { PUBLIC_BASE_URL, PAYPRO_TIMEOUT_MS: '500' }, env);
  const config: Config = loadConfig();
  const services: Services = buildServices(config);
  const sandbox = local.sandbox;
  if (!sandbox) throw new Error('the test stack always runs the sandbox');
  return {
    config,
    services,
    sandbox,
    createPayout: createPayoutHandler(services, config),
    getPayout: getPayoutHandler(services),
    close: local.close,
  };
}
