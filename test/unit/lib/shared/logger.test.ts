import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_LOG_LINE_BYTES } from '../../../../lib/shared/logger';

/** Runs `act` with the service's logger writing into `lines` instead of stdout. */
async function capturing(
  lines: string[],
  act: (log: typeof import('../../../../lib/shared/logger').logger) => void,
) {
  const { logger } = await import('../../../../lib/shared/logger');
  const sink = new Writable({
    write(chunk, _encoding, done) {
      // One write per log call (pretty-printed over several lines under POWERTOOLS_DEV): one entry.
      const text = String(chunk).trim();
      if (text) lines.push(text);
      done();
    },
  });
  // Powertools writes through its own Console: give it one on our sink for the while.
  const holder = logger as unknown as { console: Console };
  const original = holder.console;
  holder.console = new Console(sink, sink);
  try {
    act(logger);
  } finally {
    holder.console = original;
  }
  await new Promise((resolve) => setImmediate(resolve));
}

describe('logger', () => {
  it('keeps every line under 8 KB, whatever it is given: a 10 MB string, 10,000 problems, a huge error', async () => {
    // Prepare
    const lines: string[] = [];
    const problems = Array.from({ length: 10_000 }, (_, i) => ({
      field: `items[${i}].mobile`,
      message: 'bad',
    }));
    // Act
    await capturing(lines, (log) => {
      log.setLogLevel('INFO');
      log.info('request refused', { reason: 'x'.repeat(10_000_000), problems });
      log.error('request failed', { error: new Error('y'.repeat(1_000_000)) });
      log.info('small', { tradeNo: 'order-1' });
      log.setLogLevel('SILENT');
    });
    // Assess
    expect(lines).toHaveLength(3);
    // Measured as one line, as Lambda writes it (without POWERTOOLS_DEV's indentation).
    for (const line of lines)
      expect(Buffer.byteLength(JSON.stringify(JSON.parse(line)))).toBeLessThan(MAX_LOG_LINE_BYTES);
    const [first, , last] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ level: 'INFO', message: 'request refused' });
    expect(String(first?.reason)).toContain('cut: log lines stay under 8 KB');
    expect(last).toMatchObject({ message: 'small', tradeNo: 'order-1' });
  });
});
