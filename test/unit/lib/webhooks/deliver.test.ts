import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueUnavailableError, SecretUnavailableError } from '../../../../lib/errors';
import type { MetricName } from '../../../../lib/shared/metrics';
import {
  type DeadLetter,
  type DeliverWebhooksDeps,
  deliverWebhooks,
  type EndpointMessage,
  type QueueRecord,
  type WebhookQueue,
} from '../../../../lib/webhooks/deliver';
import type { WebhookEndpoint } from '../../../../lib/webhooks/endpoints';
import { WEBHOOK_USER_AGENT } from '../../../../lib/webhooks/post';
import { retryDelayMs, WEBHOOK_MAX_RECEIVES, WEBHOOK_RETRY_SCHEDULE_S } from '../../../../lib/webhooks/retry';
import { generateWebhookSecret } from '../../../../lib/webhooks/sign';
import { webhookType } from '../../../../lib/webhooks/webhook-event';
import { type Answer, startWebhookReceiver, type WebhookReceiver } from '../../../support/webhook-receiver';

/** Records what the use case asks of the queue; each operation can be made to fail. */
class FakeQueue implements WebhookQueue {
  batches: EndpointMessage[][] = [];
  visibility: Array<{ receiptHandle: string; delayMs: number }> = [];
  deadLetters: DeadLetter[] = [];
  failing = new Set<'sendBatch' | 'changeVisibility' | 'sendToDeadLetter'>();

  async sendBatch(messages: readonly EndpointMessage[]): Promise<void> {
    if (this.failing.has('sendBatch')) throw new QueueUnavailableError('The webhooks queue refused 1 of 2.');
    this.batches.push([...messages]);
  }

  async changeVisibility(receiptHandle: string, delayMs: number): Promise<void> {
    if (this.failing.has('changeVisibility')) throw new QueueUnavailableError('no visibility');
    this.visibility.push({ receiptHandle, delayMs });
  }

  async sendToDeadLetter(letter: DeadLetter): Promise<void> {
    if (this.failing.has('sendToDeadLetter')) throw new QueueUnavailableError('no dead letter');
    this.deadLetters.push(letter);
  }
}

const DETAIL = {
  tradeNo: 'order-1001',
  status: 'SUCCEEDED',
  amount: 100,
  mobile: '2547****5678',
  eventId: 'evt-0001',
  version: 3,
  previousStatus: 'PROCESSING',
};

function envelope(detailType = 'Payout Succeeded', detail: Record<string, unknown> = DETAIL): string {
  return JSON.stringify({
    version: '0',
    id: 'eb-1',
    'detail-type': detailType,
    source: 'paypro-payouts',
    account: '000000000000',
    time: '2026-11-23T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  });
}

function record(options: { body?: string; endpoint?: string; receiveCount?: number; id?: string } = {}) {
  const id = options.id ?? 'm-1';
  return {
    messageId: id,
    receiptHandle: `rh-${id}-${options.receiveCount ?? 1}`,
    body: options.body ?? envelope(),
    attributes: { ApproximateReceiveCount: String(options.receiveCount ?? 1) },
    messageAttributes: options.endpoint === undefined ? {} : { endpoint: { stringValue: options.endpoint } },
  } satisfies QueueRecord;
}

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(answer: Answer): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(answer);
  receivers.push(started);
  return started;
}

function endpoint(url: string, id = 'erp'): WebhookEndpoint {
  return { id, url, secret: generateWebhookSecret() };
}

function setup(
  endpoints: WebhookEndpoint[] | (() => Promise<WebhookEndpoint[]>),
  options: Partial<DeliverWebhooksDeps> = {},
) {
  const queue = new FakeQueue();
  const counted: MetricName[] = [];
  const logged: Array<{ level: string; message: string; extra: unknown[] }> = [];
  const log =
    (level: string) =>
    (message: string, ...extra: unknown[]) => {
      logged.push({ level, message, extra });
    };
  const deps: DeliverWebhooksDeps = {
    queue,
    endpoints: typeof endpoints === 'function' ? endpoints : async () => endpoints,
    timeoutMs: 2_000,
    retryScale: 1,
    log: { info: log('info'), warn: log('warn'), error: log('error') } as DeliverWebhooksDeps['log'],
    counter: { count: (name) => counted.push(name) },
    now: () => new Date(),
    ...options,
  };
  return { deps, queue, counted, logged };
}

describe('retry schedule', () => {
  it('is exponential, each delay within SQS visibility, at least 24 h in all', () => {
    const total = WEBHOOK_RETRY_SCHEDULE_S.reduce((sum, s) => sum + s, 0);

    expect(total).toBe(25 * 60 * 60 + 42 * 60 + 30);
    expect(total).toBeGreaterThanOrEqual(24 * 60 * 60);
    // Room below SQS's 12 h for the attempt that precedes the delay.
    expect(Math.max(...WEBHOOK_RETRY_SCHEDULE_S)).toBeLessThanOrEqual(11 * 60 * 60);
    WEBHOOK_RETRY_SCHEDULE_S.forEach((s, i) => {
      expect(s).toBeGreaterThanOrEqual(WEBHOOK_RETRY_SCHEDULE_S[i - 1] ?? 0);
    });
    expect(WEBHOOK_MAX_RECEIVES).toBe(10);
    expect(retryDelayMs(1)).toBe(30_000);
    expect(retryDelayMs(1, 0.001)).toBe(30);
    expect(retryDelayMs(8)).toBe(8 * 60 * 60 * 1000);
    expect(retryDelayMs(9)).toBe(10 * 60 * 60 * 1000);
  });

  it('turns detail-types into webhook types', () => {
    expect(webhookType('Payout Succeeded')).toBe('payout.succeeded');
    expect(webhookType('Payout Anomaly')).toBe('payout.anomaly');
  });
});

describe('deliverWebhooks: fan-out', () => {
  it('sends one message per endpoint to the queue and acknowledges the event', async () => {
    // Prepare
    const { deps, queue } = setup([
      endpoint('https://erp.example.com/hooks', 'erp'),
      endpoint('https://ledger.example.com/in', 'ledger'),
    ]);
    const event = record();
    // Act
    const result = await deliverWebhooks(deps, [event]);
    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(queue.batches).toEqual([
      [
        { endpoint: 'erp', body: event.body },
        { endpoint: 'ledger', body: event.body },
      ],
    ]);
    expect(queue.deadLetters).toEqual([]);
  });

  it('acknowledges an event and sends nothing when no endpoint is configured', async () => {
    const { deps, queue } = setup([]);

    const result = await deliverWebhooks(deps, [record()]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(queue.batches).toEqual([]);
    expect(queue.deadLetters).toEqual([]);
  });

  it('reports the event failed, delayed per the schedule, when the queue refuses the fan-out', async () => {
    const { deps, queue } = setup([endpoint('https://erp.example.com/hooks')]);
    queue.failing.add('sendBatch');

    const result = await deliverWebhooks(deps, [record({ receiveCount: 2 })]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(queue.visibility).toEqual([{ receiptHandle: 'rh-m-1-2', delayMs: 120_000 }]);
  });

  it('reports the event failed when the endpoints secret cannot be read', async () => {
    const { deps, queue } = setup(async () => {
      throw new SecretUnavailableError('Could not read secret paypro-webhooks/test.');
    });

    const result = await deliverWebhooks(deps, [record()]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(queue.batches).toEqual([]);
  });

  it('dead-letters a message that is not a payout event', async () => {
    const { deps, queue, counted } = setup([endpoint('https://erp.example.com/hooks')]);

    const result = await deliverWebhooks(deps, [
      record({ body: 'not json', id: 'a' }),
      record({ body: envelope('Payout Succeeded', { tradeNo: 'x' }), id: 'b', endpoint: 'erp' }),
    ]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(queue.deadLetters).toEqual([
      { body: 'not json', attributes: { reason: 'malformed-event', attempts: '1' } },
      {
        body: envelope('Payout Succeeded', { tradeNo: 'x' }),
        attributes: { reason: 'malformed-event', attempts: '1', endpoint: 'erp' },
      },
    ]);
    expect(counted).toEqual(['WebhookDeadLettered', 'WebhookDeadLettered']);
  });
});

describe('deliverWebhooks: delivery', () => {
  it('POSTs the signed event, which standardwebhooks verifies, and acknowledges a 2xx', async () => {
    // Prepare
    const server = await receiver(() => 204);
    const erp = endpoint(`${server.url}/hooks/payouts`);
    const { deps, queue, counted } = setup([erp]);
    // Act
    const result = await deliverWebhooks(deps, [record({ endpoint: 'erp' })]);
    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request?.path).toBe('/hooks/payouts');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': 'evt-0001',
    });
    const verified = new Webhook(erp.secret).verify(
      request?.body ?? '',
      request?.headers as Record<string, string>,
    );
    expect(verified).toEqual({
      type: 'payout.succeeded',
      timestamp: '2026-11-23T10:00:00.000Z',
      data: DETAIL,
    });
    expect(counted).toEqual(['WebhookDelivered']);
    expect(queue.visibility).toEqual([]);
    expect(queue.deadLetters).toEqual([]);
  });

  it('retries 500s on the schedule, signing each attempt anew, then acknowledges the 200: 4 POSTs', async () => {
    // Prepare
    const server = await receiver((n) => (n < 3 ? 500 : 200));
    const erp = endpoint(`${server.url}/hooks`);
    let clock = Date.parse('2026-11-23T10:00:05Z');
    const { deps, queue, counted } = setup([erp], { now: () => new Date(clock) });
    const outcomes = [];
    // Act: SQS hands the message over again after each delay, with its receive count raised.
    for (let receiveCount = 1; receiveCount <= 4; receiveCount++) {
      outcomes.push(await deliverWebhooks(deps, [record({ endpoint: 'erp', receiveCount })]));
      clock += queue.visibility.at(-1)?.delayMs ?? 0;
    }
    // Assess
    expect(outcomes).toEqual([
      { batchItemFailures: [{ itemIdentifier: 'm-1' }] },
      { batchItemFailures: [{ itemIdentifier: 'm-1' }] },
      { batchItemFailures: [{ itemIdentifier: 'm-1' }] },
      { batchItemFailures: [] },
    ]);
    expect(server.received).toHaveLength(4);
    expect(queue.visibility).toEqual([
      { receiptHandle: 'rh-m-1-1', delayMs: 30_000 },
      { receiptHandle: 'rh-m-1-2', delayMs: 120_000 },
      { receiptHandle: 'rh-m-1-3', delayMs: 600_000 },
    ]);
    const timestamps = server.received.map((r) => Number(r.headers['webhook-timestamp']));
    expect(timestamps).toEqual([1795428005, 1795428035, 1795428155, 1795428755]);
    const receiverKey = new Webhook(erp.secret);
    for (const [i, request] of server.received.entries()) {
      expect(request.headers['webhook-id']).toBe('evt-0001');
      expect(request.headers['webhook-signature']).toBe(
        receiverKey.sign('evt-0001', new Date((timestamps[i] ?? 0) * 1000), request.body),
      );
    }
    expect(counted).toEqual(['WebhookRetried', 'WebhookRetried', 'WebhookRetried', 'WebhookDelivered']);
    expect(queue.deadLetters).toEqual([]);
  });

  it('shortens the delays by the configured scale', async () => {
    const server = await receiver(() => 503);
    const { deps, queue } = setup([endpoint(`${server.url}/hooks`)], { retryScale: 0.001 });

    await deliverWebhooks(deps, [record({ endpoint: 'erp', receiveCount: 1 })]);
    await deliverWebhooks(deps, [record({ endpoint: 'erp', receiveCount: 9 })]);

    expect(queue.visibility.map((v) => v.delayMs)).toEqual([30, 36_000]);
  });

  it.each([408, 429, 502])('retries a %i', async (status) => {
    const server = await receiver(() => status);
    const { deps, queue } = setup([endpoint(`${server.url}/hooks`)]);

    const result = await deliverWebhooks(deps, [record({ endpoint: 'erp' })]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(queue.visibility).toEqual([{ receiptHandle: 'rh-m-1-1', delayMs: 30_000 }]);
    expect(queue.deadLetters).toEqual([]);
  });

  it.each([400, 410, 302])('dead-letters a %i without retrying or following it', async (status) => {
    // Prepare
    const server = await receiver(() => status);
    const { deps, queue, counted } = setup([endpoint(`${server.url}/hooks`)]);
    const message = record({ endpoint: 'erp', receiveCount: 3 });
    // Act
    const result = await deliverWebhooks(deps, [message]);
    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(server.received).toHaveLength(1);
    expect(queue.deadLetters).toEqual([
      {
        body: message.body,
        attributes: {
          reason: 'rejected',
          attempts: '3',
          endpoint: 'erp',
          eventId: 'evt-0001',
          status: String(status),
        },
      },
    ]);
    expect(queue.visibility).toEqual([]);
    expect(counted).toEqual(['WebhookDeadLettered']);
  });

  it('retries when the receiver does not answer within the timeout', async () => {
    const server = await receiver(() => 'hang');
    const { deps, queue, logged } = setup([endpoint(`${server.url}/hooks`)], { timeoutMs: 150 });

    const started = Date.now();
    const result = await deliverWebhooks(deps, [record({ endpoint: 'erp' })]);

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(server.received).toHaveLength(1);
    expect(queue.visibility).toEqual([{ receiptHandle: 'rh-m-1-1', delayMs: 30_000 }]);
    expect(logged.find((l) => l.level === 'warn')?.extra).toEqual([
      { endpoint: 'erp', eventId: 'evt-0001', status: 'timeout', attempt: 1, retryInMs: 30_000 },
    ]);
  });

  it('retries when the connection is refused', async () => {
    const server = await receiver(() => 200);
    const url = `${server.url}/hooks`;
    await server.close();
    const { deps, queue, logged } = setup([endpoint(url)]);

    const result = await deliverWebhooks(deps, [record({ endpoint: 'erp' })]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(queue.visibility).toHaveLength(1);
    expect(logged.find((l) => l.level === 'warn')?.extra).toMatchObject([{ status: 'connection-error' }]);
  });

  it('dead-letters after the last attempt instead of retrying', async () => {
    const server = await receiver(() => 503);
    const { deps, queue } = setup([endpoint(`${server.url}/hooks`)]);

    const result = await deliverWebhooks(deps, [
      record({ endpoint: 'erp', receiveCount: WEBHOOK_MAX_RECEIVES }),
    ]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(queue.visibility).toEqual([]);
    expect(queue.deadLetters.map((letter) => letter.attributes)).toEqual([
      { reason: 'retries-exhausted', attempts: '10', endpoint: 'erp', eventId: 'evt-0001', status: '503' },
    ]);
  });

  it('dead-letters a message for an endpoint no longer configured, without calling anyone', async () => {
    const { deps, queue } = setup([endpoint('https://erp.example.com/hooks')]);

    const result = await deliverWebhooks(deps, [record({ endpoint: 'retired' })]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(queue.deadLetters.map((letter) => letter.attributes)).toEqual([
      { reason: 'unknown-endpoint', attempts: '1', endpoint: 'retired', eventId: 'evt-0001' },
    ]);
  });

  it('keeps a message on the queue when even the dead-letter queue refuses it', async () => {
    const server = await receiver(() => 400);
    const { deps, queue, counted } = setup([endpoint(`${server.url}/hooks`)]);
    queue.failing.add('sendToDeadLetter');

    const result = await deliverWebhooks(deps, [record({ endpoint: 'erp' })]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(counted).toEqual([]);
  });

  it('still reports a retry when the visibility cannot be changed', async () => {
    const server = await receiver(() => 500);
    const { deps, queue } = setup([endpoint(`${server.url}/hooks`)]);
    queue.failing.add('changeVisibility');

    const result = await deliverWebhooks(deps, [record({ endpoint: 'erp' })]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });

  it('reports only the records that failed, handling a batch at once', async () => {
    const ok = await receiver(() => 200);
    const slow = await receiver(() => 'hang');
    const { deps } = setup([endpoint(`${ok.url}/a`, 'ok'), endpoint(`${slow.url}/b`, 'slow')], {
      timeoutMs: 400,
    });

    const started = Date.now();
    const result = await deliverWebhooks(deps, [
      record({ endpoint: 'slow', id: 'm-slow' }),
      record({ endpoint: 'slow', id: 'm-slow-2' }),
      record({ endpoint: 'ok', id: 'm-ok' }),
    ]);

    // Concurrent: the two timeouts overlap instead of adding up.
    expect(Date.now() - started).toBeLessThan(750);
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-slow' }, { itemIdentifier: 'm-slow-2' }],
    });
    expect(ok.received).toHaveLength(1);
  });

  it('never logs the secret, the signature or the endpoint URL', async () => {
    // Prepare
    const server = await receiver((n) => [500, 400, 200][n] ?? 200);
    const erp = endpoint(`${server.url}/hooks/s3cr3t-path?token=query-token`);
    const { deps, logged } = setup([erp]);
    // Act
    await deliverWebhooks(deps, [record()]);
    await deliverWebhooks(deps, [record({ endpoint: 'erp' })]);
    await deliverWebhooks(deps, [record({ endpoint: 'erp', receiveCount: 2 })]);
    await deliverWebhooks(deps, [record({ endpoint: 'erp', receiveCount: 3 })]);
    // Assess
    const text = JSON.stringify(logged);
    expect(logged.length).toBeGreaterThanOrEqual(4);
    expect(text).toContain('evt-0001');
    const signatures = server.received.map((r) => String(r.headers['webhook-signature']));
    expect(signatures).toHaveLength(3);
    for (const secretThing of [
      erp.secret,
      erp.secret.slice('whsec_'.length),
      ...signatures,
      ...signatures.map((s) => s.slice(3)),
      'query-token',
      's3cr3t-path',
      server.url,
    ]) {
      expect(text).not.toContain(secretThing);
    }
  });
});
