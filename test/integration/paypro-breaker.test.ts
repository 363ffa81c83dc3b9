/*
 * The breaker's operations side on dynalite, the Paypro sandbox and the local event bus, wired
 * from the environment as deployed: a sender container opens the breaker with payouts held,
 * GET /admin/paypro-status says so, paypro-breaker announces the outage, probes the sandbox
 * (which answers its payout query) and announces the end, and the route then says held work
 * is resuming.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGetPayproStatusHandler } from '../../functions/admin-get-paypro-status';
import { payproBreakerHandler } from '../../functions/paypro-breaker';
import type { EventEnvelope } from '../../infra/local/eventbridge';
import { requestHash } from '../../lib/payouts/create';
import { BreakerRepository } from '../../lib/paypro/breaker-repository';
import type { WatchSummary } from '../../lib/paypro/watch';
import { buildAdminPayproStatusDeps } from '../../lib/wiring/admin';
import { buildSenderBreaker } from '../../lib/wiring/paypro';
import { buildPayproBreakerDeps } from '../../lib/wiring/paypro-breaker';
import { createDocumentClient } from '../../lib/wiring/tables';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { GATEWAY_503 } from '../support/fakes/breaker';
import { startStack } from '../support/stack';

let stack: Awaited<ReturnType<typeof startStack>>;
const events: EventEnvelope[] = [];

beforeAll(async () => {
  // Probes a second apart, so a run closes the breaker within the test.
  stack = await startStack({ PAYPRO_PROBE_S: '1' }, undefined, { onEvent: (event) => events.push(event) });
});
afterAll(async () => {
  await stack?.close();
});

/** GET /admin/paypro-status as an IAM-signed operator calls it; its reply is checked against openapi.json. */
async function readStatus(): Promise<Record<string, unknown>> {
  const event: APIGatewayProxyEvent = {
    ...apiEvent({ method: 'GET', path: '/admin/paypro-status' }),
    requestContext: {
      identity: { userArn: 'arn:aws:iam::123456789012:user/ops-alice' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
  const reply = await adminGetPayproStatusHandler(buildAdminPayproStatusDeps(stack.config))(
    event,
    lambdaContext(),
  );
  expect(reply.statusCode).toBe(200);
  return bodyOf(reply);
}

/** A payout recorded and never sent, as create-payout or a batch's recording leaves it while Paypro is down. */
async function recordHeld(tradeNo: string, amount: number, batchId?: string): Promise<void> {
  const at = new Date().toISOString();
  await stack.deps.repository.create(
    {
      tradeNo,
      amount,
      mobile: '254712345678',
      status: 'PENDING',
      requestHash: requestHash({ amount, mobile: '254712345678' }),
      createdAt: at,
      updatedAt: at,
      history: [{ at, source: 'api', status: 'PENDING', note: 'payout requested' }],
      ...(batchId !== undefined && { batchId }),
    },
    at,
  );
}

const ofBreaker = () =>
  events
    .filter((event) => event['detail-type'].startsWith('Paypro '))
    .map((event) => ({ type: event['detail-type'], detail: event.detail }));

describe('the breaker’s operations side, wired as deployed', () => {
  it('says Paypro is available, with nothing held, before any outage', async () => {
    expect(await readStatus()).toMatchObject({ availability: 'available', since: null, held: null });
  });

  it('shows an outage a sender recorded, announces it once, probes the sandbox, announces the end, and shows the resuming', async () => {
    // Prepare: three payouts held (two of one batch), one already sent, then five sends fail.
    await recordHeld('brk-single', 1_000);
    await recordHeld('brk-batch-0', 2_500, 'brk-payroll');
    await recordHeld('brk-batch-1', 2_500, 'brk-payroll');
    await recordHeld('brk-sent', 700);
    await stack.deps.repository.markSent('brk-sent', new Date().toISOString(), 'claim-1');
    const sender = buildSenderBreaker(createDocumentClient(), stack.config, stack.config.breaker);
    for (let i = 0; i < 5; i += 1) await sender.recordFailure(GATEWAY_503);
    const opened = await new BreakerRepository(createDocumentClient(), stack.config.payoutLimitsTable).read();
    const queriesBefore = stack.sandbox.queryCalls();

    // Act
    const during = await readStatus();
    const summary = (await payproBreakerHandler(buildPayproBreakerDeps(stack.config))(
      {},
      lambdaContext(),
    )) as WatchSummary;
    const after = await readStatus();

    // Assess: the route, while Paypro was unavailable.
    const held = { payouts: 3, amount: 6_000, batches: 1 };
    expect(during).toMatchObject({
      availability: 'unavailable',
      since: opened.openedAt,
      failure: "HTTP 503 without Paypro's envelope",
      restoredAt: null,
      held,
    });
    // The run: one probe, answered by the sandbox's "order does not exist".
    expect(summary).toMatchObject({ status: 'closed', probes: 1 });
    expect(summary.published.map((t) => t.type)).toEqual(['Paypro Unavailable', 'Paypro Restored']);
    expect(stack.sandbox.queryCalls()).toBe(queriesBefore + 1);
    // One event per transition on the bus, with the work held.
    const published = ofBreaker();
    expect(published).toEqual([
      {
        type: 'Paypro Unavailable',
        detail: {
          eventId: `paypro:${opened.version}`,
          occurredAt: opened.openedAt,
          since: opened.openedAt,
          failure: "HTTP 503 without Paypro's envelope",
          held,
        },
      },
      {
        type: 'Paypro Restored',
        detail: expect.objectContaining({ since: opened.openedAt, restoredAt: expect.any(String), held }),
      },
    ]);
    // The route, now that Paypro answered again.
    expect(after).toMatchObject({
      availability: 'resuming',
      since: opened.openedAt,
      restoredAt: summary.published[1]?.restoredAt,
      held,
    });
  });
});
