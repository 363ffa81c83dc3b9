import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { createPayoutHandler } from '../../../functions/create-payout';
import { loadConfig } from '../../../lib/config';
import type { CapLedger } from '../../../lib/limits/repository';
import { requestHash } from '../../../lib/payouts/create';
import { buildDeps } from '../../../lib/wiring/payouts';
import { apiEvent, bodyOf, lambdaContext } from '../../support/events';

const dynamo = mockClient(DynamoDBDocumentClient);
const secrets = mockClient(SecretsManagerClient);
const SECRET = {
  merchantNo: '0000000001',
  appSecret: 'unit-app-secret',
  callbackKey: 'unit-callback-key-0123456789',
};
const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'Rate of requests exceeds the allowed throughput.',
    $metadata: {},
  });

let fetchSpy: MockInstance<typeof fetch>;

// Caps always have room here: these tests are about the payout store and Paypro (caps:
// test/unit/lib/limits, test/integration/caps.test.ts).
const roomyCaps: CapLedger = {
  tryAdd: async () => true,
  subtract: async () => true,
  read: async () => ({ amount: 0, count: 0 }),
};

function handler() {
  const config = loadConfig({
    PAYPRO_BASE_URL: 'http://127.0.0.1:9',
    PUBLIC_BASE_URL: 'https://api.test/dev',
    DAILY_MAX_AMOUNT: '1000000',
    DAILY_MAX_COUNT: '1000',
    RECIPIENT_DAILY_MAX_AMOUNT: '300000',
    RECIPIENT_DAILY_MAX_COUNT: '10',
  });
  return createPayoutHandler({ ...buildDeps(config), caps: roomyCaps }, config);
}

const request = { amount: 100, mobile: '0712345678', tradeNo: 'unit-1' };
// What the result update hands back once Paypro accepted the payout.
const processing = {
  Attributes: {
    tradeNo: 'unit-1',
    amount: 100,
    mobile: '254712345678',
    status: 'PROCESSING',
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:01.000Z',
    history: [],
  },
};
const accepted = () =>
  Response.json({
    code: '0000',
    success: true,
    data: { serialNumber: 's1', status: '0015', desc: 'CREDIT_INPROGRESS' },
  });
const post = (body: unknown) => handler()(apiEvent({ body }), lambdaContext());

beforeEach(() => {
  dynamo.reset();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SECRET) });
  fetchSpy = vi.spyOn(globalThis, 'fetch');
});
afterEach(() => {
  fetchSpy.mockRestore();
});

describe('create-payout error mapping', () => {
  it('answers 503 with Retry-After and sends nothing when the record cannot be written', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(throttled());
    // Act
    const response = await post(request);
    // Assess
    expect(response).toEqual({
      statusCode: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '5' },
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail:
          'The payout store is unavailable; nothing has been sent. Retry with the same tradeNo to learn its state.',
        tradeNo: 'unit-1',
      }),
    });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('gives a generated tradeNo back with the 503, so the app can retry it', async () => {
    dynamo.on(PutCommand).rejects(throttled());

    const response = await post({ amount: 100, mobile: '0712345678' });

    expect(response.statusCode).toBe(503);
    expect(bodyOf(response).tradeNo).toMatch(/^\d{20}$/);
  });

  it('goes on and sends when the PENDING write reported a failure but landed (read back)', async () => {
    let written: Record<string, unknown> | undefined;
    dynamo.on(PutCommand).callsFake((input) => {
      written = input.Item;
      throw throttled();
    });
    dynamo.on(GetCommand).callsFake(() => ({ Item: written }));
    dynamo.on(UpdateCommand).resolves(processing);
    fetchSpy.mockResolvedValue(accepted());

    const response = await post(request);

    expect(response.statusCode).toBe(201);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it('sends when the sentAt claim reported a failure but the stored claim is its own', async () => {
    let claim: unknown;
    dynamo.on(PutCommand).resolves({});
    dynamo
      .on(UpdateCommand)
      .callsFakeOnce((input) => {
        claim = input.ExpressionAttributeValues[':claim'];
        throw throttled();
      })
      .resolves(processing);
    dynamo.on(GetCommand).callsFake(() => ({ Item: { tradeNo: 'unit-1', sendClaim: claim, sentAt: 'x' } }));
    fetchSpy.mockResolvedValue(accepted());

    const response = await post(request);

    expect(response.statusCode).toBe(201);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it("does not send when the sentAt claim failed and the stored claim is someone else's", async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(UpdateCommand).rejects(throttled());
    // Another sender claimed it and Paypro's answer already settled it: the reply shows that.
    const stored = {
      ...processing.Attributes,
      status: 'SUCCEEDED',
      sendClaim: 'another-sender',
      sentAt: '2026-11-23T10:00:00.500Z',
    };
    dynamo.on(GetCommand).resolves({ Item: stored });

    const response = await post(request);

    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toMatchObject({ tradeNo: 'unit-1', status: 'SUCCEEDED' });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('makes up a new tradeNo when a generated one is already taken, instead of replaying another payout', async () => {
    dynamo
      .on(PutCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }))
      .resolves({});
    dynamo.on(UpdateCommand).resolves(processing);
    fetchSpy.mockResolvedValue(accepted());

    const response = await post({ amount: 100, mobile: '0712345678' });

    expect(response.statusCode).toBe(201);
    const puts = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.tradeNo);
    expect(puts).toHaveLength(2);
    expect(puts[0]).not.toBe(puts[1]);
    // No payout was read back (no replay); the breaker's own item is read before the send.
    const payoutReads = dynamo.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.tradeNo);
    expect(payoutReads).toHaveLength(0);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it('answers 409 when the tradeNo exists with another request, read after the failed condition', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    dynamo.on(GetCommand).resolves({ Item: { tradeNo: 'unit-1', requestHash: 'another-request' } });

    const response = await post(request);

    expect(response.statusCode).toBe(409);
    expect(bodyOf(response)).toMatchObject({ status: 409, title: 'Conflict' });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('replays with 200 when the existing record has the same request hash', async () => {
    const stored = {
      tradeNo: 'unit-1',
      amount: 100,
      mobile: '254712345678',
      status: 'PROCESSING',
      requestHash: requestHash({ amount: 100, mobile: '254712345678' }),
      paypro: { code: '0015' },
      createdAt: '2026-11-23T10:00:00.000Z',
      updatedAt: '2026-11-23T10:00:01.000Z',
      history: [],
      openPk: 'OPEN',
    };
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    dynamo.on(GetCommand).resolves({ Item: stored });

    const response = await post(request);

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      tradeNo: 'unit-1',
      status: 'PROCESSING',
      amount: 100,
      mobile: '2547****5678',
      paypro: { code: '0015' },
      createdAt: '2026-11-23T10:00:00.000Z',
      updatedAt: '2026-11-23T10:00:01.000Z',
      history: [],
    });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('answers 202 PENDING and does not send when the payout cannot be marked as sent', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(UpdateCommand).rejects(throttled());

    const response = await post(request);

    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toMatchObject({ tradeNo: 'unit-1', status: 'PENDING' });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('answers 202 PENDING when Paypro answers 5xx', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    fetchSpy.mockResolvedValue(new Response('<html>Bad gateway</html>', { status: 502 }));

    const response = await post(request);

    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toMatchObject({ status: 'PENDING' });
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it('answers a generic 500, writes nothing and leaks nothing when the secret is missing', async () => {
    secrets.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: {},
      }),
    );

    const response = await post(request);

    expect(response).toEqual({
      statusCode: 500,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: 'An unexpected error occurred.',
      }),
    });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('answers 400 without touching DynamoDB, Secrets Manager or Paypro', async () => {
    const response = await post({ amount: 'lots', mobile: '0712345678' });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ errors: [{ field: 'amount' }] });
    expect(dynamo.calls()).toHaveLength(0);
    expect(secrets.calls()).toHaveLength(0);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
