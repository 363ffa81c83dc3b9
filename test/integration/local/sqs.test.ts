import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqsEventSource, type SqsEventSource } from '../../../infra/local/event-source';
import {
  type LocalSqs,
  type MessageAttribute,
  md5OfMessageAttributes,
  startLocalSqs,
} from '../../../infra/local/sqs';
import { until } from '../../support/wait';

let sqs: LocalSqs;
let client: SQSClient;
let queueCount = 0;

beforeAll(async () => {
  sqs = await startLocalSqs();
  client = new SQSClient({
    endpoint: sqs.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await sqs?.close();
});

/** A fresh queue through CreateQueue, so no test sees another's messages. */
async function newQueue(attributes: Record<string, string> = {}): Promise<{ name: string; url: string }> {
  queueCount += 1;
  const name = `queue-${queueCount}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { name, url: QueueUrl as string };
}

const receive = (QueueUrl: string, input: Partial<ReceiveMessageCommandInput> = {}) =>
  client
    .send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'], ...input }))
    .then((output) => output.Messages ?? []);

const send = (QueueUrl: string, MessageBody: string) =>
  client.send(new SendMessageCommand({ QueueUrl, MessageBody }));

/** The error a call fails with (settled at once, so no rejection goes unhandled meanwhile). */
const failure = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );

describe('local SQS through the real SDK client', () => {
  it('sends, receives and deletes a message with its attributes and checksums', async () => {
    // Prepare
    const queue = await newQueue();
    const before = Date.now();

    // Act
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"event":"payout.succeeded"} ✓',
        MessageAttributes: {
          endpoint: { DataType: 'String', StringValue: 'ep-1' },
          attempt: { DataType: 'Number', StringValue: '2' },
          raw: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254]) },
        },
      }),
    );
    const [message] = await receive(queue.url, { MessageAttributeNames: ['All'] });
    const attributesAfterReceive = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }),
    );
    await client.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message?.ReceiptHandle }),
    );

    // Assess
    expect(sent.MessageId).toEqual(expect.any(String));
    expect(sent.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes({
        endpoint: { DataType: 'String', StringValue: 'ep-1' },
        attempt: { DataType: 'Number', StringValue: '2' },
        raw: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 254]).toString('base64') },
      }),
    );
    expect(message).toEqual({
      MessageId: sent.MessageId,
      ReceiptHandle: expect.any(String),
      MD5OfBody: sent.MD5OfMessageBody,
      Body: '{"event":"payout.succeeded"} ✓',
      Attributes: {
        SenderId: 'x',
        SentTimestamp: expect.any(String),
        ApproximateReceiveCount: '1',
        ApproximateFirstReceiveTimestamp: expect.any(String),
      },
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      MessageAttributes: {
        endpoint: { DataType: 'String', StringValue: 'ep-1' },
        attempt: { DataType: 'Number', StringValue: '2' },
        raw: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254]) },
      },
    });
    expect(Number(message?.Attributes?.SentTimestamp)).toBeGreaterThanOrEqual(before);
    expect(attributesAfterReceive.Attributes).toMatchObject({
      QueueArn: `arn:aws:sqs:local:000000000000:${queue.name}`,
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      VisibilityTimeout: '30',
    });
    expect(sqs.queue(queue.name).counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it.each([
    {
      attributes: { SellerName: { DataType: 'String', StringValue: 'Example Store' } },
      md5: 'cd28f3b68aeee4b2eac9c66f2f694b58',
    },
    {
      attributes: {
        ordinal: { DataType: 'Number', StringValue: '1' },
        category: { DataType: 'String', StringValue: 'test' },
      },
      md5: 'd21ae90c49061e927f57df5f5d72be1f',
    },
  ] as Array<{ attributes: Record<string, MessageAttribute>; md5: string }>)(
    'computes MD5OfMessageAttributes as SQS does (published vector $md5)',
    ({ attributes, md5 }) => {
      // Act and Assess: the SDK does not check this checksum, so check it against known values.
      expect(md5OfMessageAttributes(attributes)).toBe(md5);
    },
  );

  it('hides a received message for the visibility timeout, then delivers it again with the count raised', async () => {
    // Prepare
    const queue = await newQueue({ VisibilityTimeout: '1' });
    await send(queue.url, 'retry me');

    // Act
    const [first] = await receive(queue.url);
    const receivedAt = Date.now();
    const whileHidden = await receive(queue.url);
    const [second] = await receive(queue.url, { WaitTimeSeconds: 3 });
    const hiddenForMs = Date.now() - receivedAt;

    // Assess
    expect(whileHidden).toEqual([]);
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(
      first?.Attributes?.ApproximateFirstReceiveTimestamp,
    );
    expect(hiddenForMs).toBeGreaterThanOrEqual(900);
    expect(hiddenForMs).toBeLessThan(2500);
  });

  it('makes a message visible at once with ChangeMessageVisibility 0, and hides it N seconds with N', async () => {
    // Prepare
    const queue = await newQueue({ VisibilityTimeout: '60' });
    await send(queue.url, 'change me');
    const [first] = await receive(queue.url);

    // Act
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queue.url,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const [again] = await receive(queue.url);
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queue.url,
        ReceiptHandle: again?.ReceiptHandle,
        VisibilityTimeout: 1,
      }),
    );
    const hiddenAt = Date.now();
    const whileHidden = await receive(queue.url);
    const [third] = await receive(queue.url, { WaitTimeSeconds: 3 });
    const waitedMs = Date.now() - hiddenAt;

    // Assess
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(whileHidden).toEqual([]);
    expect(third?.Attributes?.ApproximateReceiveCount).toBe('3');
    expect(waitedMs).toBeGreaterThanOrEqual(900);
    expect(waitedMs).toBeLessThan(2500);
  });

  it('refuses visibility timeouts outside 0–43200 s and changes to a message that is not in flight', async () => {
    // Prepare
    const queue = await newQueue();
    await send(queue.url, 'bounds');
    const [message] = await receive(queue.url, { VisibilityTimeout: 0 });

    // Act
    const tooLong = await failure(
      client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queue.url,
          ReceiptHandle: message?.ReceiptHandle,
          VisibilityTimeout: 43_201,
        }),
      ),
    );
    const notInFlight = await failure(
      client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queue.url,
          ReceiptHandle: message?.ReceiptHandle,
          VisibilityTimeout: 5,
        }),
      ),
    );

    // Assess
    expect(tooLong).toMatchObject({ name: 'InvalidParameterValue' });
    expect(notInFlight).toMatchObject({ name: 'MessageNotInflight' });
  });

  it('ignores a stale receipt handle: the delete succeeds but the message stays, as AWS documents', async () => {
    // Prepare
    const queue = await newQueue();
    await send(queue.url, 'stale');
    const [first] = await receive(queue.url, { VisibilityTimeout: 0 });
    const [second] = await receive(queue.url, { VisibilityTimeout: 60 });

    // Act
    const staleDelete = await client.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: first?.ReceiptHandle }),
    );
    const afterStale = sqs.queue(queue.name).messages();
    const staleChange = await failure(
      client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queue.url,
          ReceiptHandle: first?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      ),
    );
    await client.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: second?.ReceiptHandle }),
    );
    const repeatedDelete = await client.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: second?.ReceiptHandle }),
    );
    const madeUp = await failure(
      client.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: 'not-a-handle' })),
    );

    // Assess
    expect(staleDelete.$metadata.httpStatusCode).toBe(200);
    expect(afterStale).toEqual([
      expect.objectContaining({ body: 'stale', receiveCount: 2, state: 'inFlight' }),
    ]);
    expect(staleChange).toMatchObject({ name: 'InvalidParameterValue' });
    expect(repeatedDelete.$metadata.httpStatusCode).toBe(200);
    expect(sqs.queue(queue.name).messages()).toEqual([]);
    expect(madeUp).toMatchObject({ name: 'ReceiptHandleIsInvalid' });
  });

  it('moves a message to the dead-letter queue once it has been received maxReceiveCount times', async () => {
    // Prepare
    const dlq = await newQueue();
    const dlqArn = sqs.queue(dlq.name).arn;
    const queue = await newQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
    });
    const sent = await send(queue.url, 'poison');

    // Act
    const receives = [
      await receive(queue.url, { VisibilityTimeout: 0 }),
      await receive(queue.url, { VisibilityTimeout: 0 }),
      await receive(queue.url, { VisibilityTimeout: 0 }),
    ];
    const [dead] = await receive(dlq.url);

    // Assess
    expect(receives.map((messages) => messages.map((m) => m.Attributes?.ApproximateReceiveCount))).toEqual([
      ['1'],
      ['2'],
      [],
    ]);
    expect(dead).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'poison',
      Attributes: { ApproximateReceiveCount: '1', DeadLetterQueueSourceArn: sqs.queue(queue.name).arn },
    });
    expect(sqs.queue(queue.name).counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('refuses a redrive policy whose dead-letter queue does not exist', async () => {
    // Act
    const creation = client.send(
      new CreateQueueCommand({
        QueueName: 'orphan',
        Attributes: {
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: 'arn:aws:sqs:local:000000000000:missing',
            maxReceiveCount: 3,
          }),
        },
      }),
    );

    // Assess
    await expect(creation).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
  });

  it('answers SendMessageBatch per entry: good entries are queued, a bad one is reported Failed', async () => {
    // Prepare
    const queue = await newQueue();

    // Act
    const output = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'a', MessageBody: 'first' },
          { Id: 'b', MessageBody: 'bad \u0000 character' },
          { Id: 'c', MessageBody: 'third', DelaySeconds: 901 },
          { Id: 'd', MessageBody: 'fourth' },
        ],
      }),
    );

    // Assess
    expect(output.Successful).toEqual([
      { Id: 'a', MessageId: expect.any(String), MD5OfMessageBody: expect.any(String) },
      { Id: 'd', MessageId: expect.any(String), MD5OfMessageBody: expect.any(String) },
    ]);
    expect(output.Failed).toEqual([
      { Id: 'b', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.any(String) },
      { Id: 'c', SenderFault: true, Code: 'InvalidParameterValue', Message: expect.any(String) },
    ]);
    expect(
      sqs
        .queue(queue.name)
        .messages()
        .map((m) => m.body),
    ).toEqual(['first', 'fourth']);
  });

  it('fails injected sends: a batch entry as a server fault, SendMessage as InternalError', async () => {
    // Prepare
    const queue = await newQueue();
    sqs.failNextSends(2);

    // Act
    const batch = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two' },
        ],
      }),
    );
    sqs.failNextSends(1);
    const single = send(queue.url, 'three');

    // Assess
    expect(batch.Successful).toEqual([]);
    expect(batch.Failed).toEqual([
      { Id: 'a', SenderFault: false, Code: 'InternalError', Message: expect.any(String) },
      { Id: 'b', SenderFault: false, Code: 'InternalError', Message: expect.any(String) },
    ]);
    await expect(single).rejects.toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    await expect(send(queue.url, 'four')).resolves.toMatchObject({ MessageId: expect.any(String) });
  });

  it.each([
    { problem: 'no entries', Entries: [], name: 'EmptyBatchRequest' },
    {
      problem: 'eleven entries',
      Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })),
      name: 'TooManyEntriesInBatchRequest',
    },
    {
      problem: 'repeated ids',
      Entries: [
        { Id: 'same', MessageBody: 'x' },
        { Id: 'same', MessageBody: 'y' },
      ],
      name: 'BatchEntryIdsNotDistinct',
    },
    { problem: 'a bad id', Entries: [{ Id: 'no spaces', MessageBody: 'x' }], name: 'InvalidBatchEntryId' },
  ])('refuses a whole SendMessageBatch with $problem as $name', async ({ Entries, name }) => {
    // Prepare
    const queue = await newQueue();

    // Act
    const sending = client.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries }));

    // Assess
    await expect(sending).rejects.toMatchObject({ name, $metadata: { httpStatusCode: 400 } });
    expect(sqs.queue(queue.name).messages()).toEqual([]);
  });

  it('deletes and changes visibility in batches, reporting bad handles per entry', async () => {
    // Prepare
    const queue = await newQueue({ VisibilityTimeout: '60' });
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: '1', MessageBody: 'one' },
          { Id: '2', MessageBody: 'two' },
        ],
      }),
    );
    const [one, two] = await receive(queue.url, { MaxNumberOfMessages: 10 });

    // Act
    const changed = await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'one', ReceiptHandle: one?.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'bogus', ReceiptHandle: 'bogus', VisibilityTimeout: 0 },
        ],
      }),
    );
    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'two', ReceiptHandle: two?.ReceiptHandle },
          { Id: 'bogus', ReceiptHandle: 'bogus' },
        ],
      }),
    );

    // Assess
    expect(changed.Successful).toEqual([{ Id: 'one' }]);
    expect(changed.Failed).toEqual([
      { Id: 'bogus', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: expect.any(String) },
    ]);
    expect(deleted.Successful).toEqual([{ Id: 'two' }]);
    expect(deleted.Failed).toEqual([
      expect.objectContaining({ Id: 'bogus', Code: 'ReceiptHandleIsInvalid' }),
    ]);
    expect(sqs.queue(queue.name).messages()).toEqual([
      expect.objectContaining({ body: 'one', state: 'visible' }),
    ]);
  });

  it('long-polls: a waiting receive returns as soon as a message arrives', async () => {
    // Prepare
    const queue = await newQueue();
    const started = Date.now();

    // Act
    const waiting = receive(queue.url, { WaitTimeSeconds: 10 });
    setTimeout(() => void send(queue.url, 'late'), 100);
    const messages = await waiting;

    // Assess
    expect(messages.map((m) => m.Body)).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('returns at most MaxNumberOfMessages and refuses more than 10', async () => {
    // Prepare
    const queue = await newQueue();
    for (const body of ['a', 'b', 'c']) await send(queue.url, body);

    // Act
    const two = await receive(queue.url, { MaxNumberOfMessages: 2 });
    const eleven = receive(queue.url, { MaxNumberOfMessages: 11 });

    // Assess
    expect(two).toHaveLength(2);
    await expect(eleven).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('delays a message for DelaySeconds and counts it as delayed meanwhile', async () => {
    // Prepare
    const queue = await newQueue();

    // Act
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'later', DelaySeconds: 1 }));
    const counts = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const early = await receive(queue.url);
    const [late] = await receive(queue.url, { WaitTimeSeconds: 3 });

    // Assess
    expect(counts.Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesDelayed: '1',
    });
    expect(early).toEqual([]);
    expect(late?.Body).toBe('later');
  });

  it('purges a queue, in-flight messages included', async () => {
    // Prepare
    const queue = await newQueue();
    await send(queue.url, 'one');
    await send(queue.url, 'two');
    await receive(queue.url);

    // Act
    await client.send(new PurgeQueueCommand({ QueueUrl: queue.url }));

    // Assess
    expect(sqs.queue(queue.name).counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('finds queues by name, is idempotent for equal attributes and refuses different ones', async () => {
    // Prepare
    const queue = await newQueue({ VisibilityTimeout: '5' });

    // Act
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: queue.name }));
    const same = await client.send(
      new CreateQueueCommand({ QueueName: queue.name, Attributes: { VisibilityTimeout: '5' } }),
    );
    const different = client.send(
      new CreateQueueCommand({ QueueName: queue.name, Attributes: { VisibilityTimeout: '6' } }),
    );

    // Assess
    expect(QueueUrl).toBe(`${sqs.url}/000000000000/${queue.name}`);
    expect(same.QueueUrl).toBe(QueueUrl);
    await expect(different).rejects.toMatchObject({ name: 'QueueNameExists' });
  });

  it('takes the attributes of infra/webhooks.yml, reporting back those it does not model', async () => {
    // Prepare
    const dlq = await newQueue({ MessageRetentionPeriod: '1209600', SqsManagedSseEnabled: 'true' });
    const redrive = JSON.stringify({ deadLetterTargetArn: sqs.queue(dlq.name).arn, maxReceiveCount: 10 });

    // Act
    const queue = await newQueue({
      VisibilityTimeout: '180',
      MessageRetentionPeriod: '345600',
      SqsManagedSseEnabled: 'true',
      RedrivePolicy: redrive,
    });
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }),
    );
    const unknown = await failure(
      client.send(new CreateQueueCommand({ QueueName: 'odd', Attributes: { Colour: 'blue' } as never })),
    );

    // Assess
    expect(Attributes).toMatchObject({
      VisibilityTimeout: '180',
      MessageRetentionPeriod: '345600',
      SqsManagedSseEnabled: 'true',
      RedrivePolicy: redrive,
    });
    expect(unknown).toMatchObject({ name: 'InvalidAttributeName' });
  });

  it('raises QueueDoesNotExist for an unknown queue, by name and by URL', async () => {
    // Act
    const byName = await failure(client.send(new GetQueueUrlCommand({ QueueName: 'nowhere' })));
    const byUrl = await failure(send(`${sqs.url}/000000000000/nowhere`, 'lost'));

    // Assess
    expect(byName).toMatchObject({
      name: 'QueueDoesNotExist',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
    });
    expect(byUrl).toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('finds its endpoint from AWS_ENDPOINT_URL_SQS, as production code will', async () => {
    // Prepare
    const queue = await newQueue();
    const previous = process.env.AWS_ENDPOINT_URL_SQS;
    process.env.AWS_ENDPOINT_URL_SQS = sqs.url;
    const fromEnv = new SQSClient({ region: 'eu-west-1', maxAttempts: 1 });

    // Act
    try {
      await fromEnv.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'via env' }));
    } finally {
      fromEnv.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SQS;
      else process.env.AWS_ENDPOINT_URL_SQS = previous;
    }

    // Assess
    expect(
      sqs
        .queue(queue.name)
        .messages()
        .map((m) => m.body),
    ).toEqual(['via env']);
  });
});

describe('local SQS event source (Lambda SQS mapping with ReportBatchItemFailures)', () => {
  let source: SqsEventSource | undefined;

  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  /** Starts an event source on a queue with the given handler. */
  async function startSource(
    queueName: string,
    handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>,
    options: { batchSize?: number; maximumConcurrency?: number } = {},
  ): Promise<unknown[]> {
    const errors: unknown[] = [];
    source = createSqsEventSource({
      endpoint: sqs.url,
      queueName,
      handler,
      onError: (error) => errors.push(error),
      ...options,
    });
    await source.start();
    return errors;
  }

  it('gives the handler Lambda-shaped records', async () => {
    // Prepare
    const queue = await newQueue();
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"id":1}',
        MessageAttributes: { endpoint: { DataType: 'String', StringValue: 'ep-1' } },
      }),
    );
    const records: SQSRecord[] = [];

    // Act
    await startSource(queue.name, async (event) => {
      records.push(...event.Records);
      return undefined;
    });
    await until(
      () => records.length,
      (n) => n > 0,
    );

    // Assess
    expect(records).toEqual([
      {
        messageId: sent.MessageId,
        receiptHandle: expect.any(String),
        body: '{"id":1}',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d{13}$/),
          SenderId: 'x',
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
        },
        messageAttributes: {
          endpoint: { stringValue: 'ep-1', stringListValues: [], binaryListValues: [], dataType: 'String' },
        },
        md5OfBody: sent.MD5OfMessageBody,
        md5OfMessageAttributes: sent.MD5OfMessageAttributes,
        eventSource: 'aws:sqs',
        eventSourceARN: sqs.queue(queue.name).arn,
        awsRegion: 'local',
      },
    ]);
    await until(
      () => sqs.queue(queue.name).messages().length,
      (n) => n === 0,
    );
  });

  it('deletes the messages that succeeded and brings back only the one reported failed', async () => {
    // Prepare
    const queue = await newQueue({ VisibilityTimeout: '1' });
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ['a', 'b', 'c'].map((body) => ({ Id: body, MessageBody: body })),
      }),
    );
    const seen: string[] = [];

    // Act
    await startSource(queue.name, async ({ Records }) => {
      seen.push(...Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
      const failing = Records.filter((r) => r.body === 'b' && r.attributes.ApproximateReceiveCount === '1');
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await until(
      () => seen.includes('b#2'),
      (done) => done,
    );
    await until(
      () => sqs.queue(queue.name).messages().length,
      (n) => n === 0,
    );

    // Assess: order is not relied on, only who came back and how often.
    expect([...seen].sort()).toEqual(['a#1', 'b#1', 'b#2', 'c#1']);
  });

  it('brings the whole batch back when the handler throws', async () => {
    // Prepare: both messages are visible before polling starts, so the first receive takes both.
    const queue = await newQueue({ VisibilityTimeout: '1' });
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ['a', 'b'].map((body) => ({ Id: body, MessageBody: body })),
      }),
    );
    const seen: string[] = [];

    // Act
    const errors = await startSource(queue.name, async ({ Records }) => {
      seen.push(...Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
      if (Records.some((r) => r.body === 'a' && r.attributes.ApproximateReceiveCount === '1')) {
        throw new Error('endpoint down');
      }
      return undefined;
    });
    await until(
      () => seen.length,
      (n) => n >= 4,
    );
    await until(
      () => sqs.queue(queue.name).messages().length,
      (n) => n === 0,
    );

    // Assess: b shared the failed batch, so it came back with a (order not relied on).
    expect([...seen].sort()).toEqual(['a#1', 'a#2', 'b#1', 'b#2']);
    expect(errors).toEqual([expect.objectContaining({ message: 'endpoint down' })]);
  });

  it('treats an itemIdentifier that is not in the batch as a failure of the whole batch', async () => {
    // Prepare
    const queue = await newQueue({ VisibilityTimeout: '1' });
    await send(queue.url, 'only');
    const counts: string[] = [];

    // Act
    await startSource(queue.name, async ({ Records }) => {
      counts.push(...Records.map((r) => r.attributes.ApproximateReceiveCount));
      return counts.length === 1 ? { batchItemFailures: [{ itemIdentifier: 'unknown-id' }] } : undefined;
    });
    await until(
      () => sqs.queue(queue.name).messages().length,
      (n) => n === 0,
    );

    // Assess
    expect(counts).toEqual(['1', '2']);
  });

  it('never runs more than maximumConcurrency handlers at once, and delivers every message', async () => {
    // Prepare
    const queue = await newQueue();
    const bodies = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (let i = 0; i < bodies.length; i += 10) {
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: bodies.slice(i, i + 10).map((body) => ({ Id: body, MessageBody: body })),
        }),
      );
    }
    let inFlight = 0;
    let most = 0;
    const handled: string[] = [];

    // Act
    await startSource(
      queue.name,
      async ({ Records }) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 50));
        handled.push(...Records.map((r) => r.body));
        inFlight -= 1;
        return undefined;
      },
      { batchSize: 2, maximumConcurrency: 3 },
    );
    await until(
      () => handled.length,
      (n) => n >= bodies.length,
    );

    // Assess
    expect(most).toBe(3);
    expect([...handled].sort()).toEqual([...bodies].sort());
  });

  it('stops polling and waits for the handlers in flight, whose messages are then deleted', async () => {
    // Prepare
    const queue = await newQueue();
    await send(queue.url, 'slow');
    let started = false;
    let finished = false;
    await startSource(queue.name, async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 200));
      finished = true;
      return undefined;
    });
    await until(
      () => started,
      (s) => s,
    );

    // Act
    const stopping = Date.now();
    await source?.stop();

    // Assess
    expect(finished).toBe(true);
    expect(Date.now() - stopping).toBeLessThan(2000);
    expect(sqs.queue(queue.name).messages()).toEqual([]);
  });

  it('refuses a maximumConcurrency below AWS minimum of 2 and a batch above 10', () => {
    // Act and Assess
    const base = { endpoint: sqs.url, queueName: 'any', handler: async () => undefined };
    expect(() => createSqsEventSource({ ...base, maximumConcurrency: 1 })).toThrow(RangeError);
    expect(() => createSqsEventSource({ ...base, batchSize: 11 })).toThrow(RangeError);
  });
});
