/*
 * Local stand-in for AWS Secrets Manager: only GetSecretValue, over the AWS JSON 1.1
 * protocol that @aws-sdk/client-secrets-manager v3 speaks. It ignores request signatures
 * and credentials, so any access key works.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from './listen';
import { readBody } from './read-body';

export interface LocalSecretsManager {
  /** Endpoint for SecretsManagerClient, e.g. http://127.0.0.1:43212. */
  url: string;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

const GET_SECRET_VALUE = 'secretsmanager.GetSecretValue';
const ARN_PREFIX = 'arn:aws:secretsmanager:local:000000000000:secret:';
const MAX_BODY_BYTES = 64 * 1024;

interface StoredSecret {
  name: string;
  value: string;
  versionId: string;
  createdDate: number;
}

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

  const server = createServer((req, res) => {
    handleRequest(byId, req, res).catch(() => {
      writeAwsJson(res, 500, { __type: 'InternalServiceError', message: 'Local Secrets Manager failed.' });
    });
  });
  const host = options.host ?? '127.0.0.1';
  const url = await listen(server, options.port ?? 0, host);

  return {
    url,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The SDK keeps sockets alive; without this close() would wait for them to time out.
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Answers one JSON 1.1 call: GetSecretValue or an AWS-shaped error. */
async function handleRequest(
  byId: Map<string, StoredSecret>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (req.method !== 'POST' || req.headers['x-amz-target'] !== GET_SECRET_VALUE) {
    writeAwsJson(res, 400, { __type: 'UnknownOperationException' });
    return;
  }
  const secretId = parseSecretId(raw);
  if (secretId === undefined) {
    writeAwsJson(res, 400, { __type: 'ValidationException', message: 'SecretId is required.' });
    return;
  }
  const secret = byId.get(secretId);
  if (!secret) {
    writeAwsJson(res, 400, {
      __type: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    });
    return;
  }
  writeAwsJson(res, 200, {
    ARN: ARN_PREFIX + secret.name,
    Name: secret.name,
    SecretString: secret.value,
    VersionId: secret.versionId,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: secret.createdDate,
  });
}

/** The SecretId of a GetSecretValue body, or undefined when the body has none. */
function parseSecretId(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const body: unknown = JSON.parse(raw);
    if (typeof body !== 'object' || body === null || !('SecretId' in body)) return undefined;
    return typeof body.SecretId === 'string' ? body.SecretId : undefined;
  } catch {
    return undefined;
  }
}

/** Sends a JSON 1.1 body unless the client has already gone away. */
function writeAwsJson(res: ServerResponse, status: number, body: object): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}
