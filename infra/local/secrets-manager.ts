/*
 * Local stand-in for AWS Secrets Manager: only GetSecretValue, over the AWS JSON 1.1
 * protocol that @aws-sdk/client-secrets-manager v3 speaks. It ignores request signatures
 * and credentials, so any access key works.
 */
import { randomUUID } from 'node:crypto';
import { AwsJsonError, serveAwsJson } from './aws-json';

export interface LocalSecretsManager {
  /** Endpoint for SecretsManagerClient, e.g. http://127.0.0.1:43212. */
  url: string;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

const ARN_PREFIX = 'arn:aws:secretsmanager:local:000000000000:secret:';
const MAX_BODY_BYTES = 64 * 1024;

interface StoredSecret {
  name: string;
  value: string;
  versionId: string;
  createdDate: number;
}

// What the service answers a call without a readable SecretId (no body, not JSON, too large).
const NO_SECRET_ID = new AwsJsonError('ValidationException', 'SecretId is required.');

/** Serves GetSecretValue for the given secrets (SecretId -> SecretString) on 127.0.0.1. */
export async function startLocalSecretsManager(
  secrets: Record<string, string>,
  options: { port?: number; host?: string } = {},
): Promise<LocalSecretsManager> {
  const createdDate = Math.floor(Date.now() / 1000);
  const byId = new Map<string, StoredSecret>();
  for (const [name, value] of Object.entries(secrets)) {
    const secret = { name, value, versionId: randomUUID(), createdDate };
    byId.set(name, secret);
    byId.set(ARN_PREFIX + name, secret);
  }
  return serveAwsJson(
    {
      version: '1.1',
      targetPrefix: 'secretsmanager.',
      operations: { GetSecretValue: (input) => getSecretValue(byId, input) },
      maxBodyBytes: MAX_BODY_BYTES,
      tooLarge: NO_SECRET_ID,
      malformed: NO_SECRET_ID,
      internal: new AwsJsonError('InternalServiceError', 'Local Secrets Manager failed.', 500),
    },
    options,
  );
}

/** GetSecretValue: the stored secret's current version. */
function getSecretValue(byId: Map<string, StoredSecret>, input: Record<string, unknown>) {
  if (typeof input.SecretId !== 'string') throw NO_SECRET_ID;
  const secret = byId.get(input.SecretId);
  if (!secret) {
    throw new AwsJsonError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  }
  return {
    ARN: ARN_PREFIX + secret.name,
    Name: secret.name,
    SecretString: secret.value,
    VersionId: secret.versionId,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: secret.createdDate,
  };
}
