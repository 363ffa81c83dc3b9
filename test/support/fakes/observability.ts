import { type Log, type LogDetails, reservedKeysIn } from '../../../lib/shared/logger';
import type { Counter, MetricName } from '../../../lib/shared/metrics';

/**
 * Throws when a log line's details use a key the logger keeps for itself (RESERVED_LOG_KEYS):
 * tsc refuses most, and this catches one passed by a cast or a spread on any path a test runs.
 */
function refuseReservedKeys(message: unknown, details: readonly LogDetails[]): void {
  const keys = reservedKeysIn(details);
  if (keys.length > 0)
    throw new Error(`log line "${String(message)}" uses the reserved key(s) ${keys.join(', ')}: rename them`);
}

/** A logger that drops everything (but refuses a reserved key, as recordingLog does). */
export const silentLog: Log = {
  info: (message, ...details) => refuseReservedKeys(message, details),
  warn: (message, ...details) => refuseReservedKeys(message, details),
  error: (message, ...details) => refuseReservedKeys(message, details),
};

/** A metrics counter that drops everything. */
export const noopCounter: Counter = { count: () => undefined };

/** One line a recording logger kept. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

/**
 * A logger that keeps each line's level and message (not its details: those may hold anything),
 * and throws on a detail with a reserved key.
 */
export function recordingLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: unknown, ...details: LogDetails[]): void => {
      refuseReservedKeys(message, details);
      lines.push({ level, message: String(message) });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') } as Log & { lines: LogLine[] };
}

/** A metrics counter that adds up what was counted, by name. */
export function countingCounter(): Counter & { counts: Partial<Record<MetricName, number>> } {
  const counts: Partial<Record<MetricName, number>> = {};
  return {
    counts,
    count(name, value = 1) {
      counts[name] = (counts[name] ?? 0) + value;
    },
  };
}

/** A clock the test moves by hand: `now()` for the use cases, `advance(ms)` between acts. */
export function manualClock(startIso: string): { now: () => Date; advance: (ms: number) => void } {
  let at = Date.parse(startIso);
  return {
    now: () => new Date(at),
    advance: (ms) => {
      at += ms;
    },
  };
}
