import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PayproSecret } from '../../../lib/paypro/secret';

/** The credentials every fake agrees on. */
export const FAKE_SECRET: PayproSecret = {
  merchantNo: '0000000001',
  appSecret: 'bench-secret',
  callbackKey: 'bench-callback-key-0123456789',
};

/**
 * A real SecretsManagerClient whose every `send` is counted and answered in its first
 * middleware step, before any signing or network, with the given secret.
 */
export function countedSecretsManager(secret: PayproSecret): {
  client: SecretsManagerClient;
  calls: () => number;
} {
  let calls = 0;
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      calls += 1;
      if (!(args.input && 'SecretId' in args.input) || context.commandName !== 'GetSecretValueCommand') {
        throw new Error(`fake Secrets Manager: unexpected ${context.commandName}`);
      }
      return { output: { SecretString: JSON.stringify(secret), $metadata: {} } } as never;
    },
    { step: 'initialize', name: 'fakeCountedSecretsManager' },
  );
  return { client, calls: () => calls };
}
