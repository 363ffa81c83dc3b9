import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type EventEnvelope,
  type LocalEventBridge,
  sqsTarget,
  startLocalEventBridge,
} from '../../../infra/local/eventbridge';
import { type LocalSqs, startLocalSqs } from '../../../infra/local/sqs';
import { until } from '../../support/wait';

const BUS = 'payouts-test';

let eventBridge: LocalEventBridge;
let sqs: LocalSqs;
let client: EventBridgeClient;
const announced: Array<{ event: EventEnvelope; bus: string }> = [];
const delivered: Record<string, EventEnvelope[]> = { payouts: [], succeeded: [], kenyan: [], otherBus: [] };
let failingTarget = 0;
const deliveryErrors: unknown[] = [];

beforeAll(async () => {
  sqs = await startLocalSqs();
  const webhooks = sqs.createQueue('webhooks');
  eventBridge = await startLocalEventBridge({
    buses: [BUS, 'other-bus'],
    region: 'eu-west-1',
    account: '123456789012',
    onEvent: (event, bus) => announced.push({ event, bus }),
    onDeliveryError: (error) => deliveryErrors.push(error),
    rules: [
      {
        name: 'all-payouts',
        eventBusName: BUS,
        pattern: { source: ['paypro.payouts'] },
        target: (event) => {
          delivered.payouts?.push(event);
        },
      },
      {
        name: 'succeeded',
        eventBusName: BUS,
        pattern: { source: ['paypro.payouts'], 'detail-type': ['payout.succeeded'] },
        target: (event) => {
          delivered.succeeded?.push(event);
        },
      },
      {
        name: 'kenyan-wallets',
        eventBusName: BUS,
        pattern: { detail: { currency: ['KES'], status: ['SUCCEEDED', 'FAILED'] } },
        target: (event) => {
          delivered.kenyan?.push(event);
        },
      },
      {
        name: 'other-bus',
        eventBusName: 'other-bus',
        pattern: { source: ['paypro.payouts'] },
        target: (event) => {
          delivered.otherBus?.push(event);
        },
      },
      {
        name: 'to-webhooks',
        eventBusName: BUS,
        pattern: { source: ['paypro.payouts'] },
        target: sqsTarget(webhooks.url),
      },
      {
        name: 'flaky',
        eventBusName: BUS,
        pattern: { 'detail-type': ['flaky'] },
        target: () => {
          failingTarget += 1;
          throw new Error(`target down ${failingTarget}`);
        },
      },
    ],
  });
  client = new EventBridgeClient({
    endpoint: eventBridge.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await eventBridge?.close();
  await sqs?.close();
});

beforeEach(() => {
  announced.length = 0;
  for (const list of Object.values(delivered)) list.length = 0;
});

const entry = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  EventBusName: BUS,
  Source: 'paypro.payouts',
  DetailType: 'payout.succeeded',
  Detail: JSON.stringify({ tradeNo: 'order-1', status: 'SUCCEEDED', currency: 'KES' }),
  ...overrides,
});

describe('local EventBridge through the real SDK client', () => {
  it('builds the envelope EventBridge delivers to targets', async () => {
    // Prepare
    const before = Date.now();

    // Act
    const output = await client.send(
      new PutEventsCommand({
        Entries: [entry({ Resources: ['arn:aws:dynamodb:eu-west-1:1:table/payouts'] })],
      }),
    );
    await eventBridge.idle();

    // Assess
    expect(output).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    const [event] = delivered.payouts ?? [];
    expect(event).toEqual({
      version: '0',
      id: output.Entries?.[0]?.EventId,
      'detail-type': 'payout.succeeded',
      source: 'paypro.payouts',
      account: '123456789012',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: 'eu-west-1',
      resources: ['arn:aws:dynamodb:eu-west-1:1:table/payouts'],
      detail: { tradeNo: 'order-1', status: 'SUCCEEDED', currency: 'KES' },
    });
    expect(Object.keys(event ?? {})).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'resources',
      'detail',
    ]);
    expect(Date.parse(event?.time ?? '')).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(announced).toEqual([{ event, bus: BUS }]);
  });

  it('takes the time of an entry that gives one', async () => {
    // Act
    await client.send(
      new PutEventsCommand({ Entries: [entry({ Time: new Date('2026-03-01T10:20:30.456Z') })] }),
    );
    await eventBridge.idle();

    // Assess
    expect(delivered.payouts?.[0]?.time).toBe('2026-03-01T10:20:30Z');
  });

  it('delivers each event to the matching rules of its bus only', async () => {
    // Act
    await client.send(
      new PutEventsCommand({
        Entries: [
          entry({
            DetailType: 'payout.succeeded',
            Detail: '{"tradeNo":"s","status":"SUCCEEDED","currency":"KES"}',
          }),
          entry({
            DetailType: 'payout.failed',
            Detail: '{"tradeNo":"f","status":"FAILED","currency":"UGX"}',
          }),
          entry({
            Source: 'someone.else',
            DetailType: 'payout.pending',
            Detail: '{"tradeNo":"o","status":"PENDING"}',
          }),
          entry({ EventBusName: 'other-bus', Detail: '{"tradeNo":"x"}' }),
        ],
      }),
    );
    await eventBridge.idle();

    // Assess
    const tradeNos = (events: EventEnvelope[] | undefined) =>
      (events ?? []).map((e) => e.detail.tradeNo).sort();
    expect(tradeNos(delivered.payouts)).toEqual(['f', 's']);
    expect(tradeNos(delivered.succeeded)).toEqual(['s']);
    expect(tradeNos(delivered.kenyan)).toEqual(['s']);
    expect(tradeNos(delivered.otherBus)).toEqual(['x']);
    expect(announced.map((a) => `${a.bus}:${a.event.detail.tradeNo}`).sort()).toEqual([
      'other-bus:x',
      `${BUS}:f`,
      `${BUS}:o`,
      `${BUS}:s`,
    ]);
  });

  it('sends the envelope as the body of an SQS message, as an EventBridge→SQS target does', async () => {
    // Prepare
    const queued = () => sqs.queue('webhooks').messages();
    const already = queued().length;

    // Act
    const output = await client.send(
      new PutEventsCommand({ Entries: [entry({ Detail: '{"tradeNo":"q-1"}' })] }),
    );
    await until(queued, (messages) => messages.length > already);

    // Assess
    const body = JSON.parse(queued().at(-1)?.body ?? '{}');
    expect(body).toMatchObject({
      version: '0',
      id: output.Entries?.[0]?.EventId,
      source: 'paypro.payouts',
      detail: { tradeNo: 'q-1' },
    });
  });

  it('reports failures per entry, in order, and delivers the entries that were accepted', async () => {
    // Act
    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ Detail: '{"tradeNo":"ok-1"}' }),
          entry({ DetailType: undefined }),
          entry({ Detail: 'not json' }),
          entry({ Detail: '["an","array"]' }),
          entry({ EventBusName: 'no-such-bus' }),
          entry({ Source: undefined }),
          entry({ Source: 'aws.payouts' }),
          entry({ Detail: '{"tradeNo":"ok-2"}' }),
        ],
      }),
    );
    await eventBridge.idle();

    // Assess
    expect(output.FailedEntryCount).toBe(6);
    expect(output.Entries).toEqual([
      { EventId: expect.any(String) },
      { ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringContaining('DetailType') },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus no-such-bus does not exist.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringContaining('Source') },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
      { EventId: expect.any(String) },
    ]);
    expect((delivered.payouts ?? []).map((e) => e.detail.tradeNo).sort()).toEqual(['ok-1', 'ok-2']);
  });

  it('fails the next N valid entries on demand, as a transient InternalFailure', async () => {
    // Prepare
    eventBridge.failNext(2);

    // Act
    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ Detail: '{"tradeNo":"1"}' }),
          entry({ Detail: '{"tradeNo":"2"}' }),
          entry({ Detail: '{"tradeNo":"3"}' }),
        ],
      }),
    );
    await eventBridge.idle();

    // Assess
    expect(output).toMatchObject({
      FailedEntryCount: 2,
      Entries: [
        { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Failure' },
        { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Failure' },
        { EventId: expect.any(String) },
      ],
    });
    expect((delivered.payouts ?? []).map((e) => e.detail.tradeNo)).toEqual(['3']);
  });

  it('refuses a request of more than 10 entries with ValidationException', async () => {
    // Act
    const failure = await client
      .send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry()) }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    // Assess
    expect(failure).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect(announced).toEqual([]);
  });

  it('retries a failing target, then reports it', async () => {
    // Prepare
    failingTarget = 0;
    deliveryErrors.length = 0;

    // Act
    await client.send(new PutEventsCommand({ Entries: [entry({ DetailType: 'flaky' })] }));
    await eventBridge.idle();

    // Assess
    expect(failingTarget).toBe(3);
    expect(deliveryErrors).toEqual([expect.objectContaining({ message: 'target down 3' })]);
  });

  it('refuses rules outside the supported pattern subset', () => {
    // Act and Assess
    const rule = { name: 'r', eventBusName: BUS, target: () => undefined };
    expect(() => eventBridge.addRule({ ...rule, pattern: { source: [{ prefix: 'pay' }] } })).toThrow(
      /Unsupported/,
    );
    expect(() =>
      eventBridge.addRule({ ...rule, pattern: { detail: { payout: { status: ['X'] } } as never } }),
    ).toThrow(/Unsupported/);
    expect(() => eventBridge.addRule({ ...rule, pattern: { id: ['x'] } })).toThrow(/Unsupported/);
    expect(() =>
      eventBridge.addRule({ ...rule, eventBusName: 'nowhere', pattern: { source: ['x'] } }),
    ).toThrow(/does not exist/);
  });

  it('finds its endpoint from AWS_ENDPOINT_URL_EVENTBRIDGE, as production code will', async () => {
    // Prepare
    const previous = process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = eventBridge.url;
    const fromEnv = new EventBridgeClient({ region: 'eu-west-1', maxAttempts: 1 });

    // Act
    let output: PutEventsCommandOutput | undefined;
    try {
      output = await fromEnv.send(
        new PutEventsCommand({ Entries: [entry({ Detail: '{"tradeNo":"env"}' })] }),
      );
    } finally {
      fromEnv.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
      else process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = previous;
    }

    // Assess
    expect(output).toMatchObject({ FailedEntryCount: 0 });
    expect(announced.map((a) => a.event.detail.tradeNo)).toEqual(['env']);
  });
});
