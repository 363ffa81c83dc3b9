/*
 * The local SQS's reading of request parameters, checked as SQS checks them: integers within
 * bounds, string lists and maps, message attributes, and the entries of a batch call.
 */
import { invalidParameter, SqsError } from './sqs-errors';

/** A message attribute as SQS takes and returns it; BinaryValue is base64. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\..{1,250})?$/;
const NUMBER_VALUE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const MAX_BATCH_ENTRIES = 10;

/** Whether `value` is a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An optional integer parameter within bounds; InvalidParameterValue otherwise. */
export function integerParameter(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(
      `Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}, if provided.`,
    );
  }
  return value;
}

/** The strings of a list parameter; anything else in it is ignored. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** A map parameter of strings (e.g. a queue's Attributes); InvalidParameterValue otherwise. */
export function stringRecord(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value) || Object.values(value).some((item) => typeof item !== 'string')) {
    throw invalidParameter(`${name} must map names to strings.`);
  }
  return value as Record<string, string>;
}

function checkAttributeName(name: string): void {
  if (
    !ATTRIBUTE_NAME.test(name) ||
    name.includes('..') ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    /^(aws|amazon)\./i.test(name)
  ) {
    throw invalidParameter(`Message (user) attribute name '${name}' is invalid.`);
  }
}

/** One message attribute, checked for its data type and value. */
function parseMessageAttribute(name: string, raw: unknown): MessageAttribute {
  const attribute = isRecord(raw) ? raw : {};
  const dataType = attribute.DataType;
  if (typeof dataType !== 'string' || !DATA_TYPE.test(dataType)) {
    throw invalidParameter(`The type of message (user) attribute '${name}' is invalid.`);
  }
  if (dataType.startsWith('Binary')) {
    if (typeof attribute.BinaryValue !== 'string' || attribute.BinaryValue === '') {
      throw invalidParameter(
        `Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`,
      );
    }
    return { DataType: dataType, BinaryValue: attribute.BinaryValue };
  }
  const text = attribute.StringValue;
  if (typeof text !== 'string' || text === '') {
    throw invalidParameter(
      `Message (user) attribute '${name}' must contain a non-empty value of type 'String'.`,
    );
  }
  if (dataType.startsWith('Number') && !NUMBER_VALUE.test(text)) {
    throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
  return { DataType: dataType, StringValue: text };
}

/** Checks MessageAttributes as SQS does and keeps them in its wire shape. */
export function parseMessageAttributes(value: unknown): Record<string, MessageAttribute> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw invalidParameter('MessageAttributes must be a map.');
  const entries = Object.entries(value);
  if (entries.length > 10) {
    throw invalidParameter(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`,
    );
  }
  const attributes: Record<string, MessageAttribute> = {};
  for (const [name, raw] of entries) {
    checkAttributeName(name);
    attributes[name] = parseMessageAttribute(name, raw);
  }
  return attributes;
}

/** Bytes the attributes add to a message's size, as SQS counts them (name, type and value). */
export function attributesSize(attributes: Record<string, MessageAttribute>): number {
  let size = 0;
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    size +=
      attribute.BinaryValue !== undefined
        ? Buffer.from(attribute.BinaryValue, 'base64').length
        : Buffer.byteLength(attribute.StringValue ?? '');
  }
  return size;
}

/** The size of a batch entry not yet validated: body plus the attributes that look well formed. */
function payloadSize(entry: Record<string, unknown>): number {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  let size = Buffer.byteLength(text(entry.MessageBody));
  if (isRecord(entry.MessageAttributes)) {
    for (const [name, attribute] of Object.entries(entry.MessageAttributes)) {
      if (!isRecord(attribute)) continue;
      size += Buffer.byteLength(name) + Buffer.byteLength(text(attribute.DataType));
      size +=
        Buffer.byteLength(text(attribute.StringValue)) +
        Buffer.from(text(attribute.BinaryValue), 'base64').length;
    }
  }
  return size;
}

/** The entries of a batch call, checked as SQS checks them before answering any one. */
function batchEntries(rawEntries: unknown, maxPayloadBytes?: number): Array<Record<string, unknown>> {
  if (!Array.isArray(rawEntries) || rawEntries.length === 0) {
    throw new SqsError(
      'EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
      'AWS.SimpleQueueService.EmptyBatchRequest',
    );
  }
  if (rawEntries.length > MAX_BATCH_ENTRIES) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${rawEntries.length}.`,
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    );
  }
  const entries = rawEntries.map((entry) => (isRecord(entry) ? entry : {}));
  checkEntryIds(entries);
  if (maxPayloadBytes !== undefined) {
    const payload = entries.reduce((sum, entry) => sum + payloadSize(entry), 0);
    if (payload > maxPayloadBytes) {
      throw new SqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${maxPayloadBytes} bytes. You have sent ${payload} bytes.`,
        'AWS.SimpleQueueService.BatchRequestTooLong',
      );
    }
  }
  return entries;
}

function checkEntryIds(entries: Array<Record<string, unknown>>): void {
  const ids = new Set<string>();
  for (const { Id } of entries) {
    if (typeof Id !== 'string' || !BATCH_ENTRY_ID.test(Id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        'AWS.SimpleQueueService.InvalidBatchEntryId',
      );
    }
    if (ids.has(Id)) {
      throw new SqsError(
        'BatchEntryIdsNotDistinct',
        `Id ${Id} repeated.`,
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      );
    }
    ids.add(Id);
  }
}

/** Runs a batch call: checks the entries as SQS does, then answers per entry. */
export function runBatch(
  rawEntries: unknown,
  run: (entry: Record<string, unknown>) => object,
  maxPayloadBytes?: number,
): { Successful: object[]; Failed: object[] } {
  const Successful: object[] = [];
  const Failed: object[] = [];
  for (const entry of batchEntries(rawEntries, maxPayloadBytes)) {
    try {
      Successful.push({ Id: entry.Id, ...run(entry) });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push({ Id: entry.Id, SenderFault: error.senderFault, Code: error.code, Message: error.message });
    }
  }
  return { Successful, Failed };
}
