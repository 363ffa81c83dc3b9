import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import batchesDefinition from '../../../infra/batches-table.json';
import { type LocalDeps, startLocalDeps } from '../../../infra/local/deps';
import { batchesTableInput, createBatchesTable, createPayoutsTable } from '../../../infra/local/dynamodb';

let local: LocalDeps;
let dynamo: DynamoDBClient;
let sqs: SQSClient;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

beforeAll(async () => {
  local = await startLocalDeps({
    stage: 'svc',
    secret: { merchantNo: '0000000001', appSecret: 'app-secret', callbackKey: 'callback-key-0123456789' },
    salt: 'prefix',
  });
  dynamo = new DynamoDBClient({
    endpoint: local.env.AWS_ENDPOINT_URL_DYNAMODB,
    region: 'local',
    credentials,
  });
  sqs = new SQSClient({ endpoint: local.sqs.url, region: 'local', credentials });
});

afterAll(async () => {
  dynamo?.destroy();
  sqs?.destroy();
  await local?.close();
});

describe('the local services of npm start and the integration stack', () => {
  it('creates the payout batches table from infra/batches-table.json: batchId + sk, and its status index', async () => {
    // Act
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'payout-batches-svc' }));

    // Assess
    expect(local.env.PAYOUT_BATCHES_TABLE).toBe('payout-batches-svc');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'batchId', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.AttributeDefinitions).toEqual(
      batchesDefinition.Resources.PayoutBatchesTable.Properties.AttributeDefinitions,
    );
    expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema])).toEqual([
      [
        'batches-by-status',
        [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: 'listSk', KeyType: 'RANGE' },
        ],
      ],
    ]);
    expect(batchesTableInput('x').GlobalSecondaryIndexes).toEqual(
      batchesDefinition.Resources.PayoutBatchesTable.Properties.GlobalSecondaryIndexes,
    );
  });

  it('still creates the payouts table with its indexes, and leaves existing tables as they are', async () => {
    // Act
    await createPayoutsTable(local.env.AWS_ENDPOINT_URL_DYNAMODB as string, 'payouts-svc');
    await createBatchesTable(local.env.AWS_ENDPOINT_URL_DYNAMODB as string, 'payout-batches-svc');
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'payouts-svc' }));

    // Assess
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'tradeNo', KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'due-payouts',
      'outbox-pending',
      'payouts-by-day',
    ]);
  });

  it('creates the batch-sends queue as infra/batches.yml does: 360 s visibility, DLQ after 5 receives', async () => {
    // Arrange
    const dlq = local.sqs.queue('paypro-payouts-svc-batch-sends-dlq');

    // Act
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: local.env.BATCH_SENDS_QUEUE_URL, AttributeNames: ['All'] }),
    );
    const dead = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.url, AttributeNames: ['All'] }),
    );

    // Assess
    expect(local.env.BATCH_SENDS_QUEUE_URL).toBe(local.sqs.queue('paypro-payouts-svc-batch-sends').url);
    expect(Attributes?.VisibilityTimeout).toBe('360');
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: 5,
    });
    expect(dead.Attributes?.MessageRetentionPeriod).toBe('1209600');
  });
});
