import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretUnavailableError } from '../../../../lib/errors';
import { cachedPayproSecret } from '../../../../lib/paypro/secret';

const secrets = mockClient(SecretsManagerClient);
const SECRET = {
  merchantNo: '0000000001',
  appSecret: 'app-secret-value',
  callbackKey: 'callback-key-value-123',
};

beforeEach(() => {
  secrets.reset();
});

describe('cachedPayproSecret', () => {
  it('fetches once per container until the TTL runs out, then again', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SECRET) });
    let now = 1_000;
    const get = cachedPayproSecret(new SecretsManagerClient({}), 'paypro/test', 60_000, () => now);
    // Act
    const first = await get();
    await get();
    now += 60_000;
    await get();
    // Assess
    expect(first).toEqual(SECRET);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'paypro/test',
    });
  });

  it('does not cache a failure: the next call tries again', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: JSON.stringify(SECRET) });
    const get = cachedPayproSecret(new SecretsManagerClient({}), 'paypro/test', 60_000);

    await expect(get()).rejects.toThrow(new SecretUnavailableError('Could not read secret paypro/test.'));
    await expect(get()).resolves.toEqual(SECRET);
  });

  it('names the bad fields of a malformed secret without showing any value', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ merchantNo: '12', appSecret: 'app-secret-value' }) });
    const get = cachedPayproSecret(new SecretsManagerClient({}), 'paypro/test', 60_000);

    const error = await get().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).message).toBe(
      'Secret paypro/test must hold merchantNo (10 digits), appSecret and callbackKey (16+ chars); bad: merchantNo, callbackKey.',
    );
    expect((error as Error).message).not.toContain('app-secret-value');
  });
});
