import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../../lib/errors';
import { generateTradeNo } from '../../../../lib/payouts/create';
import { DuePayoutRepository, DuePayouts } from '../../../../lib/payouts/due';
import {
  LEGACY_OPEN_PK,
  OPEN_PARTITION_KEYS,
  OPEN_SHARDS,
  openPartitionKey,
} from '../../../../lib/payouts/keys';

const dynamo = mockClient(DynamoDBDocumentClient);
const repository = () =>
  new DuePayoutRepository(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
    'payouts-unit',
  );
const ref = {
  tradeNo: 'order-1',
  checkAfter: '2026-11-24T10:00:00.000Z',
  createdAt: '2026-11-24T09:59:00.000Z',
};

afterEach(() => {
  dynamo.reset();
});

/** The largest share of `tradeNos` that lands on one partition key. */
function busiestShare(tradeNos: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const t of tradeNos) counts.set(openPartitionKey(t), (counts.get(openPartitionKey(t)) ?? 0) + 1);
  return Math.max(...counts.values()) / tradeNos.length;
}

describe('open-payouts index sharding', () => {
  it('gives a tradeNo the same shard key every time, one of OPEN#0…OPEN#15', () => {
    expect(openPartitionKey('order-1001')).toBe(openPartitionKey('order-1001'));
    expect(OPEN_PARTITION_KEYS).toHaveLength(OPEN_SHARDS + 1);
    expect(OPEN_PARTITION_KEYS.at(-1)).toBe(LEGACY_OPEN_PK);
    for (let i = 0; i < 1000; i += 1) {
      expect(OPEN_PARTITION_KEYS.slice(0, OPEN_SHARDS)).toContain(openPartitionKey(`t-${i}`));
    }
  });

  it('spreads sequential app tradeNos and generated ones evenly: no key takes more than 1.25× its share', () => {
    const sequential = Array.from({ length: 10_000 }, (_, i) => `order-${100_000 + i}`);
    const now = new Date('2026-11-24T10:00:00Z');
    const generated = Array.from({ length: 10_000 }, () => generateTradeNo(now));

    expect(busiestShare(sequential)).toBeLessThan(1.25 / OPEN_SHARDS);
    expect(busiestShare(generated)).toBeLessThan(1.25 / OPEN_SHARDS);
  });
});

describe('DuePayoutRepository.claimCheck', () => {
  it('moves checkAfter only from the value the index showed, and returns the stored payout', async () => {
    dynamo
      .on(UpdateCommand)
      .resolves({ Attributes: { tradeNo: 'order-1', status: 'PROCESSING', openPk: 'x' } });

    const claimed = await repository().claimCheck(ref, '2026-11-24T10:05:00.000Z');

    expect(claimed).toEqual({ tradeNo: 'order-1', status: 'PROCESSING' });
    const [call] = dynamo.commandCalls(UpdateCommand);
    expect(call?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_exists(openPk) AND checkAfter = :seen',
      ExpressionAttributeValues: {
        ':seen': ref.checkAfter,
        ':next': '2026-11-24T10:05:00.000Z',
        ':pk': openPartitionKey('order-1'),
      },
    });
  });

  it('answers undefined when another run claimed the payout first (conditional failure)', async () => {
    dynamo.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    await expect(repository().claimCheck(ref, '2026-11-24T10:05:00.000Z')).resolves.toBeUndefined();
  });

  it('turns throttling into StoreUnavailableError, so the run counts a failure and goes on', async () => {
    dynamo
      .on(UpdateCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

    await expect(repository().claimCheck(ref, '2026-11-24T10:05:00.000Z')).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });
});

describe('DuePayouts.count (one shard of DuePayoutRepository.countDue)', () => {
  it('counts across pages and reports the most overdue due time', async () => {
    dynamo
      .on(QueryCommand, { Limit: 1 })
      .resolves({ Items: [{ tradeNo: 'a', openPk: 'OPEN#1', checkAfter: '2026-11-24T09:00:00.000Z' }] })
      .on(QueryCommand, { Select: 'COUNT', ExclusiveStartKey: undefined })
      .resolves({ Count: 1000, LastEvaluatedKey: { tradeNo: 'k' } })
      .on(QueryCommand, { Select: 'COUNT', ExclusiveStartKey: { tradeNo: 'k' } })
      .resolves({ Count: 234 });

    const shard = new DuePayouts(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
      'payouts-unit',
    );
    const due = await shard.count('OPEN#1', '2026-11-24T10:00:00.000Z');

    expect(due).toEqual({ count: 1234, oldestCheckAfter: '2026-11-24T09:00:00.000Z' });
  });
});
