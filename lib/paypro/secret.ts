import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { SecretUnavailableError } from '../errors';
import { cachedJsonSecret } from '../shared/secrets';

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
  return cachedJsonSecret(client, secretId, ttlMs, (json) => parseSecret(secretId, json), now);
}

function parseSecret(secretId: string, json: unknown): PayproSecret {
  const parsed = secretSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
    throw new SecretUnavailableError(
      `Secret ${secretId} must hold merchantNo (10 digits), appSecret and callbackKey (16+ chars); bad: ${fields}.`,
    );
  }
  return parsed.data;
}
