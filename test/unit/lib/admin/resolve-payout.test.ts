import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePayout } from '../../../../lib/admin/resolve-payout';
import { PayproUnknownOutcomeError, ResolutionOvertakenError } from '../../../../lib/errors';
import type { CapLedger } from '../../../../lib/limits/repository';
import { PayoutRepository } from '../../../../lib/payouts/repository';
import type { Log } from '../../../../lib/shared/logger';
import { recordingCounter } from '../../../support/stack';

const dynamo = mockClient(DynamoDBDocumentClient);
const silent: Log = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
} as unknown as Log;
const pending = {
  tradeNo: 'order-7',
  amount: 100,
  mobile: '254712345678',
  status: 'PENDING',
  requestHash: 'h',
  capDay: '2026-11-25',
  paypro: {},
  createdAt: '2026-11-25T06:00:00.000Z',
  updatedAt: '2026-11-25T06:00:00.000Z',
  history: [],
};

afterEach(() => {
  dynamo.reset();
});

describe('resolvePayout', () => {
  it('refuses a forced FAILED when the payout was sent while the resolution was being written, releasing nothing', async () => {
    // Prepare: Paypro cannot be asked (so only force gets this far); the first write loses to a send.
    const released: string[] = [];
    const caps: CapLedger = {
      tryAdd: async () => true,
      subtract: async (key) => {
        released.push(key);
        return true;
      },
      read: async () => ({ amount: 0, count: 0 }),
    };
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: pending })
      .resolves({ Item: { ...pending, sentAt: '2026-11-25T06:00:01.000Z', sendClaim: 'x' } });
    dynamo
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const deps = {
      repository: new PayoutRepository(
        DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
        'payouts-unit',
      ),
      caps,
      paypro: {
        queryPayout: async () => {
          throw new PayproUnknownOutcomeError('timeout');
        },
      },
      secret: async () => ({ merchantNo: '1', appSecret: 's', callbackKey: 'k' }),
      counter: recordingCounter(),
      log: silent,
      now: () => new Date('2026-11-25T06:00:02.000Z'),
    };

    // Act
    const resolving = resolvePayout(
      deps,
      'order-7',
      { to: 'FAILED', reason: 'ticket 1', force: true },
      'local',
    );

    // Assess
    await expect(resolving).rejects.toBeInstanceOf(ResolutionOvertakenError);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(released).toEqual([]);
    expect(deps.counter.counts.PayoutResolved).toBeUndefined();
  });
});
