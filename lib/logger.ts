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
    let v = inner.call(this, key, value);
    if (cut) return undefined;
    if (typeof v === 'string' && v.length > MAX_STRING_CHARS) v = `${v.slice(0, MAX_STRING_CHARS)}${CUT}`;
    if (Array.isArray(v) && v.length > MAX_ARRAY_ITEMS) v = [...v.slice(0, MAX_ARRAY_ITEMS), CUT];
    const size =
      Buffer.byteLength(key, 'utf8') +
      4 +
      (typeof v === 'string'
        ? Buffer.byteLength(JSON.stringify(v), 'utf8')
        : typeof v === 'object' && v !== null
          ? 2
          : String(v).length);
    spent += size;
    if (spent > LINE_BUDGET_BYTES) {
      cut = true;
      return CUT;
    }
    return v;
  };
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
