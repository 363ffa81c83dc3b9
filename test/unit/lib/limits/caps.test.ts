import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../../lib/errors';
import { type DailyCaps, releaseCaps, reserveCaps } from '../../../../lib/limits/caps';
import { type CapLedger, DynamoCapLedger } from '../../../../lib/limits/repository';
import type { Payout } from '../../../../lib/payouts/payout';
import type { Log } from '../../../../lib/shared/logger';
import { recordingCounter } from '../../../support/stack';

const dynamo = mockClient(DynamoDBDocumentClient);
const DAILY_CAPS: DailyCaps = {
  dailyMaxAmount: 1_000_000,
  dailyMaxCount: 1_000,
  recipientDailyMaxAmount: 300_000,
  recipientDailyMaxCount: 10,
};
const MOBILE = '254712345678';

function deps() {
  const lines: Array<{ message: string; extra: unknown }> = [];
  const record = (message: unknown, ...extra: unknown[]) =>
    void lines.push({ message: String(message), extra });
  return {
    caps: new DynamoCapLedger(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
      'payout-limits-unit',
    ),
    dailyCaps: DAILY_CAPS,
    counter: recordingCounter(),
    log: { info: record, warn: record, error: record } as Log,
    lines,
  };
}

const throttled = () =>
  new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });

afterEach(() => {
  dynamo.reset();
});

describe('reserveCaps', () => {
  it('gives the recipient’s share back when the day’s counter cannot be written, and reports the store as unavailable', async () => {
    // Prepare
    const d = deps();
    dynamo
      .on(UpdateCommand)
      .resolvesOnce({}) // the recipient's counter
      .rejectsOnce(throttled()) // the day's counter
      .resolves({}); // the give-back

    // Act
    const reserving = reserveCaps(d, '2026-11-25', [{ mobile: MOBILE, amount: 500, count: 1 }]);

    // Assess
    await expect(reserving).rejects.toBeInstanceOf(StoreUnavailableError);
    const updates = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([
      { pk: `MOBILE#${MOBILE}#2026-11-25` },
      { pk: 'DAY#2026-11-25' },
      { pk: `MOBILE#${MOBILE}#2026-11-25` },
    ]);
    expect(updates[2]?.ExpressionAttributeValues).toMatchObject({ ':minusAmount': -500, ':minusCount': -1 });
  });
});

describe('reserveCaps for a batch', () => {
  it('stops reserving at the first store failure and gives back every share it took', async () => {
    // Prepare: a ledger in memory whose 50th write fails, as a throttled DynamoDB would.
    const net = new Map<string, number>();
    let writes = 0;
    const caps: CapLedger = {
      tryAdd: async (key, add) => {
        writes += 1;
        const nth = writes;
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (nth === 50) throw new StoreUnavailableError('throttled');
        net.set(key, (net.get(key) ?? 0) + add.amount);
        return true;
      },
      subtract: async (key, sub) => {
        net.set(key, (net.get(key) ?? 0) - sub.amount);
        return true;
      },
      read: async () => ({ amount: 0, count: 0 }),
    };
    const shares = Array.from({ length: 5_000 }, (_, i) => ({
      mobile: `2547${String(i).padStart(8, '0')}`,
      amount: 100,
      count: 1,
      items: [i],
    }));

    // Act
    const reserving = reserveCaps({ ...deps(), caps }, '2026-11-25', shares);

    // Assess
    await expect(reserving).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(writes).toBeLessThan(200);
    expect([...net.values()].every((amount) => amount === 0)).toBe(true);
  });
});

describe('releaseCaps', () => {
  const failed: Payout = {
    tradeNo: 'order-9',
    amount: 700,
    mobile: MOBILE,
    status: 'FAILED',
    requestHash: 'h',
    capDay: '2026-11-25',
    createdAt: '2026-11-25T06:00:00.000Z',
    updatedAt: '2026-11-25T06:00:01.000Z',
    history: [],
  };

  it('counts and logs a give-back the store refused, without throwing or logging the mobile', async () => {
    // Prepare
    const d = deps();
    dynamo.on(UpdateCommand).rejects(throttled());

    // Act
    await releaseCaps(d, failed);

    // Assess
    expect(d.counter.counts.CapReleaseFailed).toBe(2);
    expect(JSON.stringify(d.lines)).not.toContain(MOBILE);
    expect(d.lines.map((l) => l.message)).toEqual([
      'could not give a share back to its cap counter; the day keeps it reserved',
      'could not give a share back to its cap counter; the day keeps it reserved',
    ]);
  });

  it('gives nothing back for a payout recorded before caps existed', async () => {
    // Prepare
    const d = deps();
    const { capDay: _none, ...legacy } = failed;

    // Act
    await releaseCaps(d, legacy);

    // Assess
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
