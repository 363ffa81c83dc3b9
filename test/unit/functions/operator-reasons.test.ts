import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { adminApproveBatchHandler } from '../../../functions/admin-approve-batch';
import { adminCancelBatchHandler } from '../../../functions/admin-cancel-batch';
import { adminResendPayoutHandler } from '../../../functions/admin-resend-payout';
import { adminResolvePayoutHandler } from '../../../functions/admin-resolve-payout';
import { acceptBatch } from '../../../lib/batches/intake';
import { reserveRecipients } from '../../../lib/batches/steps';
import type { Payout } from '../../../lib/payouts/payout';
import { apiEvent, lambdaContext } from '../../support/events';
import { batchRequest, batchWorld } from '../../support/fakes/batch-world';
import { payoutWorld } from '../../support/fakes/payout-world';

const T0 = '2026-11-24T07:00:00.000Z';
const NOW = '2026-11-25T08:00:00.000Z';

const BLANK = 'must not be blank';
const NOT_TEXT = 'must not contain control characters or unpaired surrogates';
// Each shows nothing, or is not text: none may stand as the audit record of why.
const INVISIBLE_REASONS = [
  ['a zero-width space', '\u200b', BLANK],
  ['a NUL', '\u0000', NOT_TEXT],
  ['a word joiner and a zero-width non-joiner', '\u2060\u200c', BLANK],
  ['an escape', '\u001b', NOT_TEXT],
  ['a lone surrogate', '\ud800', NOT_TEXT],
  ['a lone surrogate after words', 'checked \udc00', NOT_TEXT],
  ['a NUL after words', 'ok\u0000', NOT_TEXT],
  ['a no-break space and a byte order mark', '\u00a0\ufeff', BLANK],
] as const;

/** The whole 400 naming `reason`, as every operator route answers it. */
const refusedReason = (text: string) => ({
  statusCode: 400,
  headers: { 'content-type': 'application/problem+json' },
  body: expect.any(String),
  parsed: {
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    detail: expect.any(String),
    errors: [{ field: 'reason', message: text }],
    problemCount: 1,
  },
});

function operatorEvent(
  path: string,
  pathParameters: Record<string, string>,
  body: unknown,
): APIGatewayProxyEvent {
  return {
    ...apiEvent({ path, pathParameters, body }),
    requestContext: {
      identity: { userArn: 'arn:aws:iam::123456789012:user/ops-alice' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

async function reply(
  handler: (e: APIGatewayProxyEvent, c: ReturnType<typeof lambdaContext>) => Promise<unknown>,
  event: APIGatewayProxyEvent,
) {
  const answer = (await handler(event, lambdaContext())) as {
    statusCode: number;
    headers: unknown;
    body: string;
  };
  return { ...answer, parsed: JSON.parse(answer.body) };
}

async function batchAwaitingApproval() {
  const w = batchWorld({ approvalAboveAmount: 1_000 });
  await acceptBatch(w.intake, batchRequest('big', [1_200, 800]));
  await reserveRecipients(w.advance, await w.context('big'));
  return w;
}

function flagged(tradeNo: string): Payout {
  return {
    tradeNo,
    amount: 500,
    mobile: '254712345678',
    status: 'PENDING',
    createdAt: T0,
    updatedAt: T0,
    flaggedAt: T0,
    history: [{ at: T0, source: 'api', status: 'PENDING', note: 'payout requested' }],
  } as Payout;
}

describe('an operator reason that shows nothing or is not text', () => {
  it.each(INVISIBLE_REASONS)(
    'is a 400 naming reason on approve and cancel (%s), the batch unchanged',
    async (_, reason, message) => {
      // Prepare
      const w = await batchAwaitingApproval();
      const before = await w.header('big');
      const path = (action: string) => `/admin/payout-batches/big/${action}`;

      // Act
      const approve = await reply(
        adminApproveBatchHandler(w.decide),
        operatorEvent(path('approve'), { batchId: 'big' }, { reason }),
      );
      const cancel = await reply(
        adminCancelBatchHandler(w.decide),
        operatorEvent(path('cancel'), { batchId: 'big' }, { reason }),
      );

      // Assess
      expect(approve).toEqual(refusedReason(message));
      expect(cancel).toEqual(refusedReason(message));
      expect(await w.header('big')).toEqual(before);
    },
  );

  it.each(INVISIBLE_REASONS)(
    'is a 400 naming reason on resolve and resend (%s), the payout unchanged',
    async (_, reason, message) => {
      // Prepare
      const world = payoutWorld({ start: NOW });
      await world.store.create(flagged('op-1'), NOW);
      const before = await world.store.get('op-1');
      const path = (action: string) => `/admin/payouts/op-1/${action}`;

      // Act
      const resolve = await reply(
        adminResolvePayoutHandler(world.deps),
        operatorEvent(path('resolve'), { tradeNo: 'op-1' }, { to: 'FAILED', reason }),
      );
      const resend = await reply(
        adminResendPayoutHandler(world.deps),
        operatorEvent(path('resend'), { tradeNo: 'op-1' }, { reason }),
      );

      // Assess
      expect(resolve).toEqual(refusedReason(message));
      expect(resend).toEqual(refusedReason(message));
      expect(await world.store.get('op-1')).toEqual(before);
    },
  );

  it('still takes a reason with words, line breaks and an emoji', async () => {
    // Prepare
    const w = await batchAwaitingApproval();

    // Act
    const approve = await reply(
      adminApproveBatchHandler(w.decide),
      operatorEvent(
        '/admin/payout-batches/big/approve',
        { batchId: 'big' },
        { reason: 'November\npayroll ✅' },
      ),
    );

    // Assess
    expect(approve.statusCode).toBe(200);
    expect(approve.parsed).toMatchObject({ approval: { reason: 'November\npayroll ✅' } });
  });
});
