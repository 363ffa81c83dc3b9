import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsEventSource } from '../../infra/local/event-source';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { loadConfig } from '../../lib/config';
import { sweepOutbox } from '../../lib/events/publish';
import { callbackToken } from '../../lib/paypro/callback-token';
import { WEBHOOK_MAX_RECEIVES } from '../../lib/webhooks/retry';
import { generateWebhookSecret } from '../../lib/webhooks/sign';
import { buildPublishDeps } from '../../lib/wiring/payouts';
import { apiEvent, lambdaContext } from '../support/events';
import { startStack, TEST_SECRET } from '../support/stack';
import { until } from '../support/wait';

/** One POST the receiver got. */
interface Received {
  endpoint: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What the receiver answers a request for `eventId`, given how many it got for it before. */
type Script = (eventId: string, attempt: number) => number | 'hang';

const SECRET = generateWebhookSecret();
const received: Received[] = [];
let script: Script = () => 200;
let receiverUrl = '';
let stack: Awaited<ReturnType<typeof startStack>>;
let stopSource: () => Promise<void>;
let stopReceiver: () => Promise<void>;
let seq = 0;

beforeAll(async () => {
  // The merchant's receiver: records every POST, answers as the test's script says.
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const eventId = String(request.headers['webhook-id']);
    const attempt = received.filter((r) => r.headers['webhook-id'] === eventId).length;
    received.push({
      endpoint: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString(),
      at: Date.now(),
    });
    const answer = script(eventId, attempt);
    if (answer !== 'hang') response.writeHead(answer).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stopReceiver = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  stack = await startStack(
    // Retry delays shortened (each rounds up to 1 s in the queue); a hanging receiver times out in 1 s.
    { WEBHOOK_RETRY_SCALE: '0.0001', WEBHOOK_TIMEOUT_MS: '1000', OUTBOX_SWEEP_MIN_AGE_S: '0' },
    { slowMs: 700, settleMs: 200 },
    {
      webhooks: [
        { id: 'main', url: `${receiverUrl}/hooks`, secret: SECRET },
        // Nobody listens on port 9: every delivery there fails with a connection error.
        { id: 'down', url: 'http://127.0.0.1:9/hooks', secret: SECRET },
      ],
    },
  );
  stack.callbacks.accepting = false;
  // Built as the Lambda builds it, from the environment the stack set.
  const { deliverWebhooksHandler } = await import('../../functions/deliver-webhooks');
  const { buildWebhookDeps } = await import('../../lib/wiring/webhooks');
  const { loadWebhookConfig } = await import('../../lib/webhooks/config');
  const deliver = deliverWebhooksHandler(buildWebhookDeps(loadWebhookConfig()));
  const source = createSqsEventSource({
    endpoint: stack.local.sqs.url,
    queueName: 'paypro-payouts-test-webhooks',
    handler: async (event) => deliver(event, lambdaContext()),
    batchSize: 10,
    maximumConcurrency: 5,
  });
  await source.start();
  stopSource = () => source.stop();
});
afterAll(async () => {
  await stopSource?.();
  await stack?.close();
  await stopReceiver?.();
});

function tradeNo(label: string): string {
  seq += 1;
  return `wh-${label}-${Date.now()}-${seq}`;
}

/** Creates a payout and publishes its outbox to the local bus, as publish-events does. */
async function payoutWithEvent(mobile: string): Promise<string> {
  const id = tradeNo('p');
  await stack.createPayout(apiEvent({ body: { amount: 100, mobile, tradeNo: id } }), lambdaContext());
  await sweepOutbox(buildPublishDeps(loadConfig()), 0);
  return id;
}

const to = (endpoint: string, eventId: string) =>
  received.filter((r) => r.endpoint === endpoint && r.headers['webhook-id'] === eventId);

const deadLetters = (eventId: string) =>
  stack.local.sqs
    .queue('paypro-payouts-test-webhooks-dlq')
    .messages()
    .filter((m) => JSON.parse(m.body).detail?.eventId === eventId);

describe('webhooks: bus → rule → queue → deliver-webhooks → the merchant', () => {
  it('delivers each event signed so that the standardwebhooks package verifies it; a tampered body or an old timestamp fails', async () => {
    // Prepare
    script = () => 200;
    // Act
    const id = await payoutWithEvent(SANDBOX_MOBILES.rejected);
    const eventId = `${id}:1`;
    await until(
      () => to('/hooks', eventId),
      (r) => r.length === 1,
    );
    // Assess
    const [hook] = to('/hooks', eventId);
    if (!hook) throw new Error('no webhook');
    const headers = {
      'webhook-id': String(hook.headers['webhook-id']),
      'webhook-timestamp': String(hook.headers['webhook-timestamp']),
      'webhook-signature': String(hook.headers['webhook-signature']),
    };
    const verified = new Webhook(SECRET).verify(hook.body, headers);
    expect(verified).toMatchObject({
      type: 'payout.failed',
      data: {
        eventId,
        tradeNo: id,
        status: 'FAILED',
        previousStatus: 'PENDING',
        version: 1,
        mobile: '2547****0029',
      },
    });
    expect(hook.headers['content-type']).toBe('application/json');
    expect(() => new Webhook(SECRET).verify(hook.body.replace('FAILED', 'SUCCEEDED'), headers)).toThrow();
    const old = { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 600) };
    expect(() => new Webhook(SECRET).verify(hook.body, old)).toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(hook.body, headers)).toThrow();
  });

  it('retries a receiver that answers 500 three times, then delivers once and stops', async () => {
    script = (_eventId, attempt) => (attempt < 3 ? 500 : 200);

    const id = await payoutWithEvent(SANDBOX_MOBILES.rejected);
    const eventId = `${id}:1`;
    await until(
      () => to('/hooks', eventId),
      (r) => r.length >= 4,
      20_000,
    );
    // Give a wrong extra attempt time to show up.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    expect(to('/hooks', eventId)).toHaveLength(4);
    expect(deadLetters(eventId).filter((m) => m.messageAttributes.endpoint?.StringValue === 'main')).toEqual(
      [],
    );
  }, 30_000);

  it('does not retry a 400: one attempt, then the message waits in the DLQ with the reason', async () => {
    script = () => 400;

    const id = await payoutWithEvent(SANDBOX_MOBILES.rejected);
    const eventId = `${id}:1`;
    const dead = await until(
      () => deadLetters(eventId).filter((m) => m.messageAttributes.endpoint?.StringValue === 'main'),
      (m) => m.length === 1,
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    expect(to('/hooks', eventId)).toHaveLength(1);
    expect(dead[0]?.messageAttributes).toMatchObject({
      reason: { StringValue: 'rejected' },
      status: { StringValue: '400' },
    });
    script = () => 200;
  }, 20_000);

  it('dead-letters an endpoint that is always down after the last retry, and keeps delivering to the others', async () => {
    script = () => 200;

    const id = await payoutWithEvent(SANDBOX_MOBILES.rejected);
    const eventId = `${id}:1`;
    const dead = await until(
      () => deadLetters(eventId).filter((m) => m.messageAttributes.endpoint?.StringValue === 'down'),
      (m) => m.length === 1,
      40_000,
    );

    expect(dead[0]?.messageAttributes).toMatchObject({
      reason: { StringValue: 'retries-exhausted' },
      attempts: { StringValue: String(WEBHOOK_MAX_RECEIVES) },
    });
    expect(to('/hooks', eventId)).toHaveLength(1);
  }, 60_000);

  it('a receiver that hangs does not slow POST /payouts or the callback reply', async () => {
    script = () => 'hang';
    // A first event keeps the receiver hanging while the payout path runs.
    await payoutWithEvent(SANDBOX_MOBILES.rejected);
    await until(
      () => received.filter((r) => r.endpoint === '/hooks').length,
      (n) => n > 0,
    );

    const id = tradeNo('fast');
    const t0 = performance.now();
    const created = await stack.createPayout(
      apiEvent({ body: { amount: 100, mobile: SANDBOX_MOBILES.neverCallsBack, tradeNo: id } }),
      lambdaContext(),
    );
    const createMs = performance.now() - t0;
    await sweepOutbox(buildPublishDeps(loadConfig()), 0);
    const token = callbackToken(TEST_SECRET.callbackKey, id);
    const t1 = performance.now();
    const reply = await stack.callback(
      apiEvent({
        path: `/callbacks/paypro/${id}/${token}`,
        rawBody: JSON.stringify({ tradeNo: id, amount: 100, status: '0015', message: 'CREDIT_INPROGRESS' }),
        pathParameters: { tradeNo: id, token },
      }),
      lambdaContext(),
    );
    const callbackMs = performance.now() - t1;

    expect(created.statusCode).toBe(201);
    expect(reply.statusCode).toBe(200);
    expect(createMs).toBeLessThan(2_000);
    expect(callbackMs).toBeLessThan(2_000);
    script = () => 200;
  }, 20_000);
});
