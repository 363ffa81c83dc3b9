import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { SecretUnavailableError } from '../errors';

/** The Paypro secret of a stage: `{merchantNo, appSecret, callbackKey}`. */
export interface PayproSecret {
  merchantNo: string;
  appSecret: string;
  callbackKey: string;
}

const secretSchema = z.object({
  merchantNo: z.string().check(z.regex(/^\d{10}$/)),
  appSecret: z.string().check(z.minLength(1)),
  callbackKey: z.string().check(z.minLength(16)),
});

/**
 * Fetches the secret from Secrets Manager and caches it per container for `ttlMs`, so a
 * rotation takes effect within that time. Errors name the secret id and fields, never values.
 */
export function cachedPayproSecret(
  client: SecretsManagerClient,
  secretId: string,
  ttlMs: number,
  now: () => number = Date.now,
): () => Promise<PayproSecret> {
  let cached: { value: Promise<PayproSecret>; expires: number } | undefined;
  return () => {
    if (!cached || cached.expires <= now()) {
      const value = fetchSecret(client, secretId);
      cached = { value, expires: now() + ttlMs };
      // A failed fetch must not be cached: the next call tries again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

async function fetchSecret(client: SecretsManagerClient, secretId: string): Promise<PayproSecret> {
  let text: string | undefined;
  try {
    ({ SecretString: text } = await client.send(new GetSecretValueCommand({ SecretId: secretId })));
  } catch (error) {
    throw new SecretUnavailableError(`Could not read secret ${secretId}.`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw new SecretUnavailableError(`Secret ${secretId} is not a JSON object.`);
  }
  const parsed = secretSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
    throw new SecretUnavailableError(
      `Secret ${secretId} must hold merchantNo (10 digits), appSecret and callbackKey (16+ chars); bad: ${fields}.`,
    );
  }
  return parsed.data;
}
