import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretUnavailableError } from '../../../../lib/errors';
import {
  cachedWebhookEndpoints,
  defaultEndpointId,
  parseEndpoints,
} from '../../../../lib/webhooks/endpoints';
import { generateWebhookSecret } from '../../../../lib/webhooks/sign';

const secrets = mockClient(SecretsManagerClient);
const ERP_SECRET = generateWebhookSecret();
const ENDPOINTS = [
  { id: 'erp', url: 'https://erp.example.com/hooks/payouts', secret: ERP_SECRET },
  { url: 'http://ledger.example.com:8080/in?token=abc', secret: generateWebhookSecret() },
];

beforeEach(() => {
  secrets.reset();
});

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretUnavailableError);
    return (error as Error).message;
  }
  throw new Error('expected a SecretUnavailableError');
}

describe('cachedWebhookEndpoints', () => {
  it('fetches once per container until the TTL runs out, then again', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ endpoints: ENDPOINTS }) });
    let now = 1_000;
    const get = cachedWebhookEndpoints(
      new SecretsManagerClient({}),
      'paypro-webhooks/test',
      60_000,
      () => now,
    );
    // Act
    const first = await get();
    await get();
    now += 60_000;
    await get();
    // Assess
    expect(first).toEqual([
      ENDPOINTS[0],
      { id: defaultEndpointId(ENDPOINTS[1]?.url ?? ''), ...ENDPOINTS[1] },
    ]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'paypro-webhooks/test',
    });
  });

  it('does not cache a failure: the next call tries again', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: '{"endpoints":[]}' });
    const get = cachedWebhookEndpoints(new SecretsManagerClient({}), 'paypro-webhooks/test', 60_000);

    await expect(get()).rejects.toThrow(
      new SecretUnavailableError('Could not read secret paypro-webhooks/test.'),
    );
    await expect(get()).resolves.toEqual([]);
  });

  it('does not cache a malformed secret either', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'not json' })
      .resolves({ SecretString: JSON.stringify({ endpoints: ENDPOINTS.slice(0, 1) }) });
    const get = cachedWebhookEndpoints(new SecretsManagerClient({}), 'paypro-webhooks/test', 60_000);

    await expect(get()).rejects.toThrow(
      new SecretUnavailableError('Secret paypro-webhooks/test is not a JSON object.'),
    );
    await expect(get()).resolves.toEqual(ENDPOINTS.slice(0, 1));
  });
});

describe('parseEndpoints', () => {
  it('accepts no endpoints', () => {
    expect(parseEndpoints('s', { endpoints: [] })).toEqual([]);
  });

  it('derives a stable id from host and path only, without showing the path', () => {
    const id = defaultEndpointId('http://ledger.example.com:8080/in/s3cr3t?token=abc');

    expect(id).toMatch(/^ledger\.example\.com:8080-[0-9a-f]{12}$/);
    expect(id).not.toContain('s3cr3t');
    expect(defaultEndpointId('http://ledger.example.com:8080/in/s3cr3t?token=other')).toBe(id);
    expect(defaultEndpointId('http://ledger.example.com:8080/in/other')).not.toBe(id);
  });

  it('refuses a secret without an endpoints list', () => {
    expect(messageOf(() => parseEndpoints('paypro-webhooks/test', { urls: [] }))).toBe(
      'Secret paypro-webhooks/test must hold {"endpoints": [...]}; bad: endpoints.',
    );
  });

  it('names every bad field without showing any value', () => {
    const message = messageOf(() =>
      parseEndpoints('paypro-webhooks/test', {
        endpoints: [
          { id: 'erp', url: 'ftp://erp.example.com/x', secret: ERP_SECRET },
          { id: 'has space', url: 'https://a.example.com/?token=hidden-token', secret: 'whsec_short' },
          'https://b.example.com',
          { id: 'erp', url: 'https://c.example.com', secret: ERP_SECRET },
          { url: 'https://d.example.com' },
        ],
      }),
    );

    expect(message).toBe(
      'Secret paypro-webhooks/test must hold endpoints of an http(s) url, a whsec_ secret and an optional id ' +
        '(1-80 of A-Z a-z 0-9 _ . : -), ids unique; bad: endpoints[0].url, endpoints[1].id, ' +
        'endpoints[1].secret, endpoints[2], endpoints[3].id (duplicate), endpoints[4].secret.',
    );
    for (const value of [ERP_SECRET, 'hidden-token', 'whsec_short', 'ftp:', 'has space']) {
      expect(message).not.toContain(value);
    }
  });
});
