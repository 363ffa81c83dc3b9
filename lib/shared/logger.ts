import { Logger } from '@aws-lambda-powertools/logger';

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

/** Powertools' logger with every line bounded (see boundedReplacer); nothing else changes. */
class BoundedLogger extends Logger {
  override getJsonReplacer(): Replacer {
    return boundedReplacer(super.getJsonReplacer() as Replacer);
  }
}

/** The service's structured JSON logger. Log masked mobiles only, never secrets, signs or tokens. */
// The service name comes from POWERTOOLS_SERVICE_NAME (serverless.yml), so it carries the stage.
export const logger: Logger = new BoundedLogger();

/** The logging surface the use cases need, so tests can pass a silent or recording one. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'>;
