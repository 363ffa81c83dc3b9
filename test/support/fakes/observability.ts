import type { Log } from '../../../lib/shared/logger';
import type { Counter, MetricName } from '../../../lib/shared/metrics';

/** A logger that drops everything. */
export const silentLog: Log = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A metrics counter that drops everything. */
export const noopCounter: Counter = { count: () => undefined };

/** One line a recording logger kept. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** A logger that keeps each line's level and message (not its details: those may hold anything). */
export function recordingLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: unknown): void => {
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
