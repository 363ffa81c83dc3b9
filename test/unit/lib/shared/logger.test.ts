import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { MAX_LOG_LINE_BYTES, RESERVED_LOG_KEYS } from '../../../../lib/shared/logger';
import { recordingLog, silentLog } from '../../../support/fakes/observability';

type ServiceLogger = typeof import('../../../../lib/shared/logger').logger;

/** Runs `act` with the service's logger (or `given`) writing into `lines` instead of stdout. */
async function capturing<L extends Logger = ServiceLogger>(
  lines: string[],
  act: (log: L) => void,
  given?: L,
) {
  const logger = given ?? ((await import('../../../../lib/shared/logger')).logger as unknown as L);
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

  it('prints a reserved key that got past tsc as detail_<key>: nothing dropped, the line its own', async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    await capturing(lines, (log) => {
      log.setLogLevel('INFO');
      log.info('Paypro does not know a payout that was sent', {
        tradeNo: 'order-1',
        // @ts-expect-error: tsc refuses a detail named like the line's own keys (LogDetails)
        message: 'ORDER_NOT_EXIST',
      });
      log.setLogLevel('SILENT');
    });
    // Assess
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'INFO',
      message: 'Paypro does not know a payout that was sent',
      tradeNo: 'order-1',
      detail_message: 'ORDER_NOT_EXIST',
    });
  });

  it('RESERVED_LOG_KEYS are the keys Powertools drops, and every key of its own line', async () => {
    // Prepare: Powertools' own logger, with every field of its line set.
    vi.stubEnv(
      '_X_AMZN_TRACE_ID',
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1',
    );
    const plain = new Logger({ serviceName: 'payouts-test', sampleRateValue: 0.000_001, logLevel: 'INFO' });
    plain.addContext({
      functionName: 'fn',
      functionVersion: '1',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:fn',
      memoryLimitInMB: '128',
      awsRequestId: 'request-1',
      tenantId: 'tenant-1',
    } as unknown as Context);
    const own: string[] = [];
    const dropped: string[] = [];
    // Act
    try {
      await capturing(own, (log) => log.info('plain'), plain);
      for (const key of RESERVED_LOG_KEYS) {
        const lines: string[] = [];
        await capturing(lines, (log) => log.info('one detail', { [key]: 'given' }), plain);
        const said = lines.map((line) => (JSON.parse(line) as { message: string }).message);
        if (said.includes(`The key "${key}" is a reserved key and will be dropped.`)) dropped.push(key);
      }
    } finally {
      vi.unstubAllEnvs();
    }
    // Assess: a key Powertools adds tomorrow to its line fails here until it is listed.
    const ownKeys = Object.keys(JSON.parse(own[0] ?? '{}'));
    expect([...ownKeys].sort()).toEqual([...RESERVED_LOG_KEYS].sort());
    expect(dropped.sort()).toEqual(['level', 'message', 'sampling_rate', 'service', 'timestamp']);
  });

  it("refuses a reserved key in the tests' silent and recording logs, whatever the path that logs it", () => {
    // Prepare
    const recording = recordingLog();
    const detail = JSON.parse('{"tradeNo":"order-1","message":"ORDER_NOT_EXIST"}') as { tradeNo: string };
    // Act
    const logs = [() => silentLog.info('sent', detail), () => recording.warn('sent', detail)];
    // Assess
    for (const log of logs) expect(log).toThrow('reserved key(s) message');
    expect(recording.lines).toEqual([]);
    expect(() =>
      recording.info('sent', { tradeNo: 'order-1', payproMessage: 'ORDER_NOT_EXIST' }),
    ).not.toThrow();
  });
});
