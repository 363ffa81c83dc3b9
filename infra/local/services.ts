import type { SaltPosition } from '../../lib/paypro/sign';
import { createPayoutsTable, startLocalDynamo } from './dynamodb';
import { type PayproSandbox, startPayproSandbox } from './paypro-sandbox';
import { startLocalSecretsManager } from './secrets-manager';

/** The dev secret the local stack serves, as `{merchantNo, appSecret, callbackKey}`. */
export interface LocalSecret {
  merchantNo: string;
  appSecret: string;
  callbackKey: string;
}

/** What to start. Ports default to ephemeral ones; a `payproBaseUrl` replaces the sandbox. */
export interface LocalServicesOptions {
  stage: string;
  secret: LocalSecret;
  salt: SaltPosition;
  payproBaseUrl?: string;
  sandbox?: { slowMs?: number; settleMs?: number; queryDelayMs?: number; callbackScheduleMs?: number[] };
  ports?: { dynamo?: number; secrets?: number; sandbox?: number };
}

/** The running stand-ins and the environment that points the functions at them. */
export interface LocalServices {
  env: Record<string, string>;
  sandbox?: PayproSandbox;
  close(): Promise<void>;
}

/**
 * Starts dynalite (with the payouts table from infra/), the Secrets Manager endpoint and,
 * unless an external Paypro is given, the Paypro sandbox, all on loopback.
 */
export async function startLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const tableName = `payouts-${options.stage}`;
  const secretId = `paypro/${options.stage}`;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    await Promise.allSettled(closers.reverse().map((c) => c()));
  };
  try {
    const dynamo = await startLocalDynamo({ port: options.ports?.dynamo });
    closers.push(dynamo.close);
    await createPayoutsTable(dynamo.url, tableName);

    const secrets = await startLocalSecretsManager(
      { [secretId]: JSON.stringify(options.secret) },
      { port: options.ports?.secrets },
    );
    closers.push(secrets.close);

    let sandbox: PayproSandbox | undefined;
    if (!options.payproBaseUrl) {
      sandbox = await startPayproSandbox({
        merchantNo: options.secret.merchantNo,
        appSecret: options.secret.appSecret,
        salt: options.salt,
        port: options.ports?.sandbox,
        ...options.sandbox,
      });
      closers.push(sandbox.close);
    }

    const env: Record<string, string> = {
      STAGE: options.stage,
      PAYOUTS_TABLE: tableName,
      PAYPRO_SECRET_ID: secretId,
      PAYPRO_SIGN_SALT: options.salt,
      PAYPRO_BASE_URL: options.payproBaseUrl ?? (sandbox as PayproSandbox).url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_REGION: 'eu-west-1',
      // Local endpoints ignore credentials, but the SDK insists on having some.
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    return { env, ...(sandbox && { sandbox }), close };
  } catch (error) {
    await close();
    throw error;
  }
}
