import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { adminApproveBatchHandler } from '../../../functions/admin-approve-batch';
import { adminCancelBatchHandler } from '../../../functions/admin-cancel-batch';
import { acceptBatch } from '../../../lib/batches/intake';
import { reserveRecipients } from '../../../lib/batches/steps';
import { apiEvent, lambdaContext } from '../../support/events';
import { batchRequest, batchWorld } from '../../support/fakes/batch-world';

function decisionEvent(action: string, rawBody: string): APIGatewayProxyEvent {
  return {
    ...apiEvent({ path: `/admin/payout-batches/big/${action}`, pathParameters: { batchId: 'big' }, rawBody }),
    requestContext: {
      identity: { userArn: 'arn:aws:iam::123456789012:user/ops-alice' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

describe('a JSON body that is not an object, on the routes whose body is optional', () => {
  it.each(['null', 'true', '[]', '"approve"', '0'])(
    'is a 400 naming body on approve and cancel (%s), the batch unchanged',
    async (rawBody) => {
      // Prepare
      const w = batchWorld({ approvalAboveAmount: 1_000 });
      await acceptBatch(w.intake, batchRequest('big', [1_200, 800]));
      await reserveRecipients(w.advance, await w.context('big'));
      const before = await w.header('big');

      // Act
      const approve = await adminApproveBatchHandler(w.decide)(
        decisionEvent('approve', rawBody),
        lambdaContext(),
      );
      const cancel = await adminCancelBatchHandler(w.decide)(
        decisionEvent('cancel', rawBody),
        lambdaContext(),
      );

      // Assess
      for (const reply of [approve, cancel]) {
        expect(reply.statusCode).toBe(400);
        expect(reply.headers).toEqual({ 'content-type': 'application/problem+json' });
        expect(JSON.parse(reply.body)).toMatchObject({
          status: 400,
          errors: [{ field: 'body', message: 'must be a JSON object' }],
        });
      }
      expect(await w.header('big')).toEqual(before);
    },
  );
});
