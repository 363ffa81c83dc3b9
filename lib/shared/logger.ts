import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';

/** The longest log line the service writes, in bytes (CloudWatch keeps at most 256 KB of an event). */
export const MAX_LOG_LINE_BYTES = 8 * 1024;
// Room left for the JSON punctuation the budget below does not count exactly.
const LINE_BUDGET_BYTES = MAX_LOG_LINE_BYTES - 1024;
const MAX_STRING_CHARS = 2048;
const MAX_ARRAY_ITEMS = 20;
const CUT = '…(cut: log lines stay under 8 KB)';

type Replacer = (this: unknown, key: string, value: unknown) => unknown;

/**
 * A JSON replacer that keeps one line under MAX_LOG_LINE_BYTES whatever it is given: long strings
 * and long lists are cut, and once the line's budget is spent, the remaining values are dropped
 * with one marker. JSON.stringify visits a parent before its children, so what is kept is what
 * comes first: the level, message and timestamp, then the caller's fields.
 */
function boundedReplacer(inner: Replacer): Replacer {
  let spent = 0;
  let cut = false;
  return function (this: unknown, key: string, value: unknown): unknown {
    const v = shortened(inner.call(this, key, value));
    if (cut) return undefined;
    spent += Buffer.byteLength(key, 'utf8') + 4 + sizeOf(v);
    if (spent > LINE_BUDGET_BYTES) {
      cut = true;
      return CUT;
    }
    return v;
  };
}

/** A long string or list cut, with the marker; any other value as it is. */
function shortened(v: unknown): unknown {
  if (typeof v === 'string' && v.length > MAX_STRING_CHARS) return `${v.slice(0, MAX_STRING_CHARS)}${CUT}`;
  if (Array.isArray(v) && v.length > MAX_ARRAY_ITEMS) return [...v.slice(0, MAX_ARRAY_ITEMS), CUT];
  return v;
}

/** About how many bytes a value adds to the line (an object or list: its brackets; its members count on their own). */
function sizeOf(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(JSON.stringify(v), 'utf8');
  if (typeof v === 'object' && v !== null) return 2;
  return String(v).length;
}

/**
 * The keys a log line's details must not use. Powertools drops the first five with a warning
 * ("The key "message" is a reserved key and will be dropped", its ReservedKeys); the others are
 * its own line's keys (the Lambda context, the trace), which a detail of that name would overwrite.
 */
export const RESERVED_LOG_KEYS = [
  'level',
  'message',
  'sampling_rate',
  'service',
  'timestamp',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'xray_trace_id',
  'tenant_id',
] as const;

/** A key the logger keeps for itself (RESERVED_LOG_KEYS). */
export type ReservedLogKey = (typeof RESERVED_LOG_KEYS)[number];

/**
 * One object of a log line's details: any fields but the reserved ones, so that tsc refuses
 * `log.info('…', { message })` (pass `{ error }` for an error). The index signature is `any`
 * because an interface-typed value is assignable to no narrower one.
 */
export type LogDetails = { readonly [K in ReservedLogKey]?: never } & {
  // biome-ignore lint/suspicious/noExplicitAny: see above; the reserved keys are what is checked
  readonly [key: string]: any;
};

/** How a log line is written: a message, then its details (see LogDetails). */
export type LogMethod = (message: string, ...details: LogDetails[]) => void;

const reserved: ReadonlySet<string> = new Set(RESERVED_LOG_KEYS);

/** The reserved keys `details` uses, if any (a detail that is not a plain object has none). */
export function reservedKeysIn(details: readonly unknown[]): string[] {
  return details.flatMap((d) =>
    typeof d === 'object' && d !== null && !(d instanceof Error)
      ? Object.keys(d).filter((k) => reserved.has(k))
      : [],
  );
}

/** A detail with each reserved key renamed `detail_<key>`, so that its value is printed, not dropped. */
function withoutReservedKeys(detail: unknown): unknown {
  if (reservedKeysIn([detail]).length === 0) return detail;
  return Object.fromEntries(
    Object.entries(detail as object).map(([k, v]) => [reserved.has(k) ? `detail_${k}` : k, v]),
  );
}

/**
 * Powertools' logger with every line bounded (see boundedReplacer) and details that cannot lose
 * a field: tsc refuses a reserved key (LogDetails), and one that gets past it at run time (a
 * cast, a spread) is printed as `detail_<key>` instead of being dropped or overwriting the
 * line's own field.
 */
class BoundedLogger extends Logger {
  override getJsonReplacer(): Replacer {
    return boundedReplacer(super.getJsonReplacer() as Replacer);
  }

  protected override createAndPopulateLogItem(
    logLevel: number,
    input: LogItemMessage,
    extraInput: LogItemExtraInput,
  ): ReturnType<Logger['createAndPopulateLogItem']> {
    const details = extraInput.map(withoutReservedKeys) as LogItemExtraInput;
    return super.createAndPopulateLogItem(logLevel, input, details);
  }

  // The same methods, their details typed LogDetails.
  override trace(message: string, ...details: LogDetails[]): void {
    super.trace(message, ...details);
  }
  override debug(message: string, ...details: LogDetails[]): void {
    super.debug(message, ...details);
  }
  override info(message: string, ...details: LogDetails[]): void {
    super.info(message, ...details);
  }
  override warn(message: string, ...details: LogDetails[]): void {
    super.warn(message, ...details);
  }
  override error(message: string, ...details: LogDetails[]): void {
    super.error(message, ...details);
  }
  override critical(message: string, ...details: LogDetails[]): void {
    super.critical(message, ...details);
  }
}

/** The service's structured JSON logger. Log masked mobiles only, never secrets, signs or tokens. */
// The service name comes from POWERTOOLS_SERVICE_NAME (serverless.yml), so it carries the stage.
export const logger = new BoundedLogger();

/** The logging surface the use cases need, so tests can pass a silent or recording one. */
export interface Log {
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}
