/*
 * Local stand-in for Amazon EventBridge custom buses: only PutEvents, over the AWS JSON 1.1
 * protocol that @aws-sdk/client-eventbridge v3 speaks (`x-amz-target: AWSEvents.PutEvents`).
 * Each accepted entry becomes the envelope EventBridge delivers to targets and goes, after the
 * reply, to every rule on its bus whose pattern matches. It ignores request signatures and
 * credentials, so any access key works.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AwsJsonError, serveAwsJson } from './aws-json';

/** An event as EventBridge delivers it to a target. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/**
 * The pattern subset served: exact-value arrays on envelope fields (`source`, `detail-type`,
 * `account`, `region`, `resources`) and on top-level `detail` fields. Anything else is refused.
 */
export interface EventPattern {
  [field: string]: unknown[] | Record<string, unknown[]> | undefined;
  detail?: Record<string, unknown[]>;
}

/** A rule with its one target; the target gets the envelope (throw to have delivery retried). */
export interface EventRule {
  name: string;
  eventBusName: string;
  pattern: EventPattern;
  target: (event: EventEnvelope) => Promise<void> | void;
}

/** What the local EventBridge serves and reports. */
export interface LocalEventBridgeOptions {
  /** The custom buses that exist; PutEvents to any other bus fails for that entry. */
  buses: string[];
  rules?: EventRule[];
  /** Called once per accepted event, before delivery (the launcher prints a line). */
  onEvent?: (event: EventEnvelope, eventBusName: string) => void;
  /** Called when a target still fails after the last retry. */
  onDeliveryError?: (error: unknown, event: EventEnvelope, rule: EventRule) => void;
  /** Attempts per target before onDeliveryError; default 3 (EventBridge retries for up to 24 h). */
  deliveryAttempts?: number;
  region?: string;
  account?: string;
  port?: number;
  host?: string;
}

/** A running local EventBridge. */
export interface LocalEventBridge {
  /** Endpoint for EventBridgeClient (or AWS_ENDPOINT_URL_EVENTBRIDGE), e.g. http://127.0.0.1:43214. */
  url: string;
  /** Adds a rule; throws on a pattern outside the supported subset or an unknown bus. */
  addRule(rule: EventRule): void;
  /** Makes the next `count` PutEvents entries fail with `errorCode` (default InternalFailure). */
  failNext(count: number, errorCode?: string, errorMessage?: string): void;
  /** Resolves when every delivery started so far has finished (or given up). */
  idle(): Promise<void>;
  /** Stops the server and drops open connections; deliveries in flight finish on their own. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_ENTRIES = 10;
const ENVELOPE_FIELDS = new Set(['source', 'detail-type', 'account', 'region', 'resources']);

/** Why PutEvents refused one entry. */
type EntryFailure = { ErrorCode: string; ErrorMessage: string };
/** Per-entry result of PutEvents. */
type EntryResult = { EventId: string } | EntryFailure;

/** The fields of an entry that passed PutEvents' checks. */
interface ValidEntry {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  bus: string;
  resources: string[];
  time: unknown;
}

const entryFailure = (ErrorCode: string, ErrorMessage: string): EntryFailure => ({ ErrorCode, ErrorMessage });
const invalidArgument = (field: string, reason: string) =>
  entryFailure('InvalidArgument', `Parameter ${field} is not valid. Reason: ${reason}`);
const nonEmptyText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** An entry's Detail as an object, or undefined when it is not a JSON object. */
function parseDetail(text: string): Record<string, unknown> | undefined {
  try {
    const detail: unknown = JSON.parse(text);
    return typeof detail === 'object' && detail !== null && !Array.isArray(detail)
      ? (detail as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Checks one entry as PutEvents does, in its order; an EntryFailure says why it is refused. */
function checkEntry(entry: unknown, buses: ReadonlySet<string>): ValidEntry | EntryFailure {
  if (typeof entry !== 'object' || entry === null) return invalidArgument('Entry', 'Entry is not an object.');
  const { Source, DetailType, Detail, EventBusName, Resources, Time } = entry as Record<string, unknown>;
  if (!nonEmptyText(Source)) return invalidArgument('Source', 'Source is a required argument.');
  if (!nonEmptyText(DetailType)) return invalidArgument('DetailType', 'DetailType is a required argument.');
  if (!nonEmptyText(Detail)) return invalidArgument('Detail', 'Detail is a required argument.');
  const detail = parseDetail(Detail);
  if (!detail) return entryFailure('MalformedDetail', 'Detail is malformed.');
  if (Source.toLowerCase().startsWith('aws.')) {
    return entryFailure('NotAuthorizedForSourceException', 'Not authorized for the source.');
  }
  const bus = busName(EventBusName);
  if (!buses.has(bus)) return entryFailure('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
  const resources = Resources === undefined ? [] : Resources;
  if (!(Array.isArray(resources) && resources.every((r) => typeof r === 'string'))) {
    return invalidArgument('Resources', 'Resources must be a list of strings.');
  }
  return { source: Source, detailType: DetailType, detail, bus, resources, time: Time };
}

/** Serves PutEvents for the given buses on 127.0.0.1 and delivers to matching rules. */
export async function startLocalEventBridge(options: LocalEventBridgeOptions): Promise<LocalEventBridge> {
  const region = options.region ?? 'local';
  const account = options.account ?? '000000000000';
  const attempts = options.deliveryAttempts ?? 3;
  const buses = new Set(options.buses);
  const rules: EventRule[] = [];
  const deliveries = new Set<Promise<void>>();
  let failing = { count: 0, code: 'InternalFailure', message: 'Internal Failure' };

  const addRule = (rule: EventRule) => {
    if (!buses.has(rule.eventBusName)) throw new Error(`Event bus ${rule.eventBusName} does not exist.`);
    checkPattern(rule.pattern);
    rules.push(rule);
  };
  for (const rule of options.rules ?? []) addRule(rule);

  /** Calls a rule's target, retrying with backoff as EventBridge does (briefly, locally). */
  async function deliver(rule: EventRule, event: EventEnvelope): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await rule.target(event);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          options.onDeliveryError?.(error, event, rule);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }

  /** Validates one entry, as PutEvents does, and accepts it or says why not. */
  function accept(entry: unknown, now: Date): { result: EntryResult; event?: EventEnvelope; bus?: string } {
    const checked = checkEntry(entry, buses);
    if ('ErrorCode' in checked) return { result: checked };
    // Checked last: an injected failure stands for a transient fault of a valid entry.
    if (failing.count > 0) {
      failing.count -= 1;
      return { result: { ErrorCode: failing.code, ErrorMessage: failing.message } };
    }
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': checked.detailType,
      source: checked.source,
      account,
      time: isoSeconds(typeof checked.time === 'number' ? new Date(checked.time * 1000) : now),
      region,
      resources: checked.resources,
      detail: checked.detail,
    };
    return { result: { EventId: event.id }, event, bus: checked.bus };
  }

  /** Hands an accepted event to every matching rule of its bus, after the reply as EventBridge does. */
  function route(event: EventEnvelope, bus: string): void {
    options.onEvent?.(event, bus);
    for (const rule of rules) {
      if (rule.eventBusName !== bus || !matches(rule.pattern, event)) continue;
      const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(() => deliver(rule, event));
      deliveries.add(delivery);
      void delivery.finally(() => deliveries.delete(delivery));
    }
  }

  function putEvents(input: Record<string, unknown>): { FailedEntryCount: number; Entries: EntryResult[] } {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
      throw new AwsJsonError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${
          Array.isArray(entries) && entries.length > MAX_ENTRIES
            ? `less than or equal to ${MAX_ENTRIES}`
            : 'greater than or equal to 1'
        }`,
      );
    }
    const now = new Date();
    const accepted = entries.map((entry) => accept(entry, now));
    // EventBridge delivers asynchronously: targets run after the reply, never inside it.
    for (const { event, bus } of accepted) if (event && bus !== undefined) route(event, bus);
    const results = accepted.map(({ result }) => result);
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  const server = await serveAwsJson(
    {
      version: '1.1',
      targetPrefix: 'AWSEvents.',
      operations: { PutEvents: putEvents },
      maxBodyBytes: MAX_BODY_BYTES,
      // PutEvents takes at most 256 KB of entries; a body past 1 MB is refused outright.
      tooLarge: new AwsJsonError('RequestEntityTooLarge', 'Request is too large.', 413),
      malformed: new AwsJsonError('SerializationException'),
      internal: new AwsJsonError('InternalException', 'Local EventBridge failed.', 500),
    },
    { port: options.port, host: options.host },
  );

  return {
    url: server.url,
    addRule,
    failNext: (count, errorCode = 'InternalFailure', errorMessage = 'Internal Failure') => {
      failing = { count, code: errorCode, message: errorMessage };
    },
    idle: async () => {
      while (deliveries.size > 0) await Promise.allSettled([...deliveries]);
    },
    close: () => server.close(),
  };
}

/**
 * A rule target that sends the envelope, as JSON, as the body of an SQS message — what an
 * EventBridge→SQS target does. Uses a real SQSClient against the queue URL's endpoint.
 */
export function sqsTarget(queueUrl: string, options: { region?: string } = {}): EventRule['target'] {
  const client = new SQSClient({
    endpoint: new URL(queueUrl).origin,
    region: options.region ?? 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return async (event) => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
  };
}

/** Whether an event matches a pattern of the supported subset (every field must match). */
export function matches(pattern: EventPattern, event: EventEnvelope): boolean {
  return Object.entries(pattern).every(([field, allowed]) => {
    if (field === 'detail') {
      return Object.entries(allowed as Record<string, unknown[]>).every(([key, values]) =>
        matchesValue(values, event.detail[key]),
      );
    }
    return matchesValue(allowed as unknown[], event[field as keyof EventEnvelope]);
  });
}

/** EventBridge's exact matching: a scalar equals one allowed value; an array shares one. */
function matchesValue(allowed: unknown[], value: unknown): boolean {
  if (value === undefined) return false;
  const values = Array.isArray(value) ? value : [value];
  return values.some((item) => allowed.some((candidate) => candidate === item));
}

/** Throws for a pattern outside the subset, so a rule never silently matches less than intended. */
function checkPattern(pattern: EventPattern): void {
  const exactValues = (where: string, values: unknown) => {
    if (
      !Array.isArray(values) ||
      values.length === 0 ||
      !values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    ) {
      throw new Error(
        `Unsupported event pattern at ${where}: only non-empty arrays of exact values are served.`,
      );
    }
  };
  if (Object.keys(pattern).length === 0) throw new Error('An event pattern needs at least one field.');
  for (const [field, values] of Object.entries(pattern)) {
    if (field === 'detail') {
      if (typeof values !== 'object' || values === null || Array.isArray(values)) {
        throw new Error(
          'Unsupported event pattern at detail: it must map top-level detail fields to arrays.',
        );
      }
      for (const [key, detailValues] of Object.entries(values)) exactValues(`detail.${key}`, detailValues);
    } else if (ENVELOPE_FIELDS.has(field)) {
      exactValues(field, values);
    } else {
      throw new Error(`Unsupported event pattern field ${field}.`);
    }
  }
}

/** The bus an entry names (by name or ARN); EventBridge's default bus when none. */
function busName(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'default';
  return value.startsWith('arn:') ? value.slice(value.lastIndexOf('/') + 1) : value;
}

/** EventBridge's `time`: ISO 8601 in UTC to the second. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
