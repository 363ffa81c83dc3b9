import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretUnavailableError } from '../errors';

/**
 * Reads the JSON secret `secretId` through `parse` (which throws a SecretUnavailableError
 * naming bad fields, never values) and caches the result per container for `ttlMs`, so a
 * rotation takes effect within that time. A failed read is not cached: the next call tries again.
 */
export function cachedJsonSecret<T>(
  client: SecretsManagerClient,
  secretId: string,
  ttlMs: number,
  parse: (json: unknown) => T,
  now: () => number = Date.now,
): () => Promise<T> {
  let cached: { value: Promise<T>; expires: number } | undefined;
  return () => {
    if (!cached || cached.expires <= now()) {
      const value = readJsonSecret(client, secretId).then(parse);
      cached = { value, expires: now() + ttlMs };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

async function readJsonSecret(client: SecretsManagerClient, secretId: string): Promise<unknown> {
  let text: string | undefined;
  try {
    ({ SecretString: text } = await client.send(new GetSecretValueCommand({ SecretId: secretId })));
  } catch (error) {
    throw new SecretUnavailableError(`Could not read secret ${secretId}.`, { cause: error });
  }
  try {
    return JSON.parse(text ?? '');
  } catch {
    throw new SecretUnavailableError(`Secret ${secretId} is not a JSON object.`);
  }
}
