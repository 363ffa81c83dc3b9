import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../../infra/local/secrets-manager';

const SECRET_NAME = 'paypro/local';
const SECRET_STRING = JSON.stringify({ appSecret: 'local-secret', merchantNo: '0000000001' });

let secretsManager: LocalSecretsManager;
let client: SecretsManagerClient;

beforeAll(async () => {
  secretsManager = await startLocalSecretsManager({ [SECRET_NAME]: SECRET_STRING, other: 'not-this-one' });
  client = new SecretsManagerClient({
    endpoint: secretsManager.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await secretsManager?.close();
});

describe('local Secrets Manager', () => {
  it.each([
    { by: 'name', secretId: SECRET_NAME },
    { by: 'ARN', secretId: `arn:aws:secretsmanager:local:000000000000:secret:${SECRET_NAME}` },
  ])('returns the secret found by $by through the real SDK client', async ({ secretId }) => {
    // Act
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));

    // Assess
    expect(output).toEqual({
      $metadata: expect.objectContaining({ httpStatusCode: 200 }),
      ARN: `arn:aws:secretsmanager:local:000000000000:secret:${SECRET_NAME}`,
      Name: SECRET_NAME,
      SecretString: SECRET_STRING,
      VersionId: expect.any(String),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: expect.any(Date),
    });
    expect(Math.abs((output.CreatedDate?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('fails with ResourceNotFoundException for a missing secret', async () => {
    // Act
    const failure = client.send(new GetSecretValueCommand({ SecretId: 'paypro/missing' }));

    // Assess
    await expect(failure).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
    });
  });

  it('answers any other operation with UnknownOperationException', async () => {
    // Act
    const response = await fetch(secretsManager.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.ListSecrets' },
      body: '{}',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException' });
  });
});
