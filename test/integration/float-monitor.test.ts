/*
 * The float monitor against dynalite and the Paypro sandbox, through the real path of its events:
 * the stage bus stand-in, its rule to the webhooks queue, deliver-webhooks, a merchant's receiver.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsEventSource } from '../../infra/local/event-source';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { loadConfig } from '../../lib/config';
import { loadFloatMonitorConfig } from '../../lib/float/config';
import type { FloatMonitorDeps, FloatMonitorSummary } from '../../lib/float/monitor';
import { generateWebhookSecret } from '../../lib/webhooks/sign';
import { buildFloatMonitorDeps } from '../../lib/wiring/float-monitor';
import { apiEvent, lambdaContext } from '../support/events';
import { recordingCounter, startStack } from '../support/stack';
import { until } from '../support/wait';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const SECRET = generateWebhookSecret();
const WATERMARK = 100_000;
const FIVE_MINUTES = 5 * 60_000;
let stack: Awaited<ReturnType<typeof startStack>>;
let receiver: WebhookReceiver;
let stopSource: () => Promise<void>;
let monitorDeps: FloatMonitorDeps;
let handler: (deps: FloatMonitorDeps) => (event: unknown, context: unknown) => Promise<unknown>;

beforeAll(async () => {
  receiver = await startWebhookReceiver(() => 204);
  stack = await startStack(
    { FLOAT_LOW_WATERMARK: String(WATERMARK), FLOAT_CHECK_S: '300' },
    { slowMs: 700, settleMs: 200 },
    { webhooks: [{ id: 'main', url: `${receiver.url}/hooks`, secret: SECRET }] },
  );
  stack.callbacks.accepting = false;
  // Built as the Lambdas build them, from the environment the stack set.
  monitorDeps = buildFloatMonitorDeps(loadConfig(), loadFloatMonitorConfig());
  const { floatMonitorHandler } = await import('../../functions/float-monitor');
  handler = floatMonitorHandler as typeof handler;
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
  await receiver?.close();
});

/** One scheduled run of float-monitor at `now`, as EventBridge invokes it. */
async function runAt(now: Date, counter = recordingCounter()): Promise<FloatMonitorSummary> {
  const run = handler({ ...monitorDeps, counter, now: () => now });
  return (await run({}, lambdaContext())) as FloatMonitorSummary;
}

/** The float webhooks the receiver got, verified as a merchant verifies them. */
function floatWebhooks(): Array<{ type: string; data: Record<string, unknown> }> {
  const webhook = new Webhook(SECRET);
  return receiver.received
    .map(({ body, headers }) => webhook.verify(body, headers as Record<string, string>))
    .map((body) => body as { type: string; data: Record<string, unknown> })
    .filter((body) => body.type.startsWith('float.'));
}

/** Waits until `count` float webhooks arrived, then a little longer, so that a duplicate would show. */
async function settleWebhooks(count: number) {
  await until(floatWebhooks, (hooks) => hooks.length >= count);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return floatWebhooks();
}

describe('float-monitor: Float Low and Float Restored reach the merchant once per crossing', () => {
  it('sends float.low once over several low checks, and float.restored once when topped up', async () => {
    // Prepare: checks five minutes apart, well before now, so the next test's real clock is later;
    // on whole seconds, as EventBridge's envelope (the webhook's timestamp) keeps no milliseconds.
    const start = Math.floor((Date.now() - 3 * 60 * 60_000) / 1000) * 1000;
    const at = (n: number) => new Date(start + n * FIVE_MINUTES);
    stack.sandbox.setBalance(500_000);
    const callsBefore = stack.sandbox.balanceCalls();

    // Act
    const summaries = [await runAt(at(0))];
    stack.sandbox.setBalance(60_000);
    for (const n of [1, 2, 3]) summaries.push(await runAt(at(n)));
    const lowHooks = await settleWebhooks(1);
    stack.sandbox.setBalance(1_500_000);
    for (const n of [4, 5]) summaries.push(await runAt(at(n)));
    const allHooks = await settleWebhooks(2);

    // Assess
    expect(stack.sandbox.balanceCalls() - callsBefore).toBe(6);
    expect(summaries.map((s) => [s.level, s.event ?? null])).toEqual([
      ['ok', null],
      ['low', 'Float Low'],
      ['low', null],
      ['low', null],
      ['ok', 'Float Restored'],
      ['ok', null],
    ]);
    expect(lowHooks).toEqual([
      {
        type: 'float.low',
        timestamp: at(1).toISOString(),
        data: {
          eventId: 'float:2',
          occurredAt: at(1).toISOString(),
          available: 60_000,
          frozen: 0,
          unsettled: 0,
          inFlight: 0,
          watermark: WATERMARK,
          readAt: at(1).toISOString(),
          previousState: 'ok',
          state: 'low',
        },
      },
    ]);
    expect(allHooks.map((hook) => [hook.type, hook.data.eventId, hook.data.available])).toEqual([
      ['float.low', 'float:2', 60_000],
      ['float.restored', 'float:5', 1_500_000],
    ]);
  });

  it('checks at once, before FLOAT_CHECK_S is up, when Paypro refuses a payout for lack of funds', async () => {
    // Prepare: a check just now, with the float ok; the float then runs dry.
    stack.sandbox.setBalance(1_500_000);
    await runAt(new Date());
    const callsAfterCheck = stack.sandbox.balanceCalls();
    const notDue = await runAt(new Date());
    stack.sandbox.setBalance(10);
    const hooksBefore = floatWebhooks().length;

    // Act
    const reply = await stack.createPayout(
      apiEvent({
        body: { amount: 100, mobile: SANDBOX_MOBILES.succeeds, tradeNo: `float-dry-${Date.now()}` },
      }),
      lambdaContext(),
    );
    const requested = await runAt(new Date());
    const hooks = await settleWebhooks(hooksBefore + 1);

    // Assess
    expect(notDue).toEqual({ checked: false, published: 0 });
    expect(JSON.parse(reply.body).status).toBe('FAILED');
    expect(requested).toEqual({
      reason: 'requested',
      checked: true,
      level: 'low',
      event: 'Float Low',
      published: 1,
    });
    expect(stack.sandbox.balanceCalls() - callsAfterCheck).toBe(1);
    expect(hooks.slice(hooksBefore).map((hook) => [hook.type, hook.data.available])).toEqual([
      ['float.low', 10],
    ]);
  });
  it('changes nothing and sends nothing while Paypro answers the balance with an error, then goes on', async () => {
    // Prepare: a check finds the float topped up (float.restored); then it runs dry while Paypro
    // fails every Balance Inquiry.
    const t = Date.now();
    stack.sandbox.setBalance(1_500_000);
    const restoredCount = floatWebhooks().length + 1;
    await runAt(new Date(t + 10 * 60_000));
    const hooksBefore = (await settleWebhooks(restoredCount)).length;
    const before = await monitorDeps.state.read();
    stack.sandbox.setBalance(20);
    stack.sandbox.failBalance('http500');
    const counter = recordingCounter();
    const later = new Date(t + 20 * 60_000);

    // Act
    const failed = await runAt(later, counter);
    const stateWhileFailing = await monitorDeps.state.read();
    stack.sandbox.failBalance('none');
    const recovered = await runAt(new Date(later.getTime() + 60_000));
    const hooks = await settleWebhooks(hooksBefore + 1);

    // Assess
    expect(failed).toEqual({ reason: 'due', checked: false, published: 0 });
    expect(counter.counts).toEqual({ FloatReadFailed: 1 });
    expect(stateWhileFailing).toEqual(before);
    expect(recovered).toMatchObject({ reason: 'due', checked: true, level: 'low', event: 'Float Low' });
    expect(hooks.slice(hooksBefore).map((hook) => [hook.type, hook.data.available])).toEqual([
      ['float.low', 20],
    ]);
  });

  it('records a balance too large to read ("1" and 400 zeros) as a failed read, and throws nothing', async () => {
    // Prepare: Number() reads that figure as Infinity.
    const before = await monitorDeps.state.read();
    const counter = recordingCounter();
    stack.sandbox.failBalance('overflow');

    // Act
    let summary: FloatMonitorSummary;
    try {
      summary = await runAt(new Date(Date.now() + 60 * 60_000), counter);
    } finally {
      stack.sandbox.failBalance('none');
    }

    // Assess
    expect(summary).toEqual({ reason: 'due', checked: false, published: 0 });
    expect(counter.counts).toEqual({ FloatReadFailed: 1 });
    expect(await monitorDeps.state.read()).toEqual(before);
  });
});
