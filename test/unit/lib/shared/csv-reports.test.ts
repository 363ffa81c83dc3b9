import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { dailyReport } from '../../../../lib/admin/daily-report';
import type { DayRow } from '../../../../lib/admin/repository';
import { acceptBatch } from '../../../../lib/batches/intake';
import { batchReport } from '../../../../lib/batches/read';
import { batchWorld } from '../../../support/fakes/batch-world';

// Cells that start like a formula: a tradeNo, a batchId, and Paypro's text.
const row: DayRow = {
  tradeNo: '-A1',
  status: 'FAILED',
  amount: 500,
  mobile: '254712345678',
  createdAt: '2026-11-24T07:00:00.000Z',
  paypro: { code: '=1+1', message: '@SUM(A1)' },
  batchId: '+pay',
  daySk: '2026-11-24T07:00:00.000Z#-A1',
};

describe('both reports neutralise formulas by the one rule (lib/shared/csv.ts)', () => {
  it("daily.csv prefixes ' to a tradeNo, batchId or Paypro text that starts like a formula", async () => {
    // Prepare
    const days = {
      async *rows() {
        yield row;
      },
    } as never;

    // Act
    const report = await dailyReport({ days }, { date: '2026-11-24' });

    // Assess
    const [cells] = parse(report.csv, { columns: true }) as Array<Record<string, string>>;
    expect(cells).toMatchObject({
      tradeNo: "'-A1",
      batchId: "'+pay",
      payproCode: "'=1+1",
      payproMessage: "'@SUM(A1)",
    });
  });

  it("report.csv prefixes ' to a tradeNo that starts like a formula, as daily.csv does", async () => {
    // Prepare
    const w = batchWorld();
    await acceptBatch(w.intake, {
      batchId: 'b1',
      items: [{ tradeNo: '-A1', amount: 500, mobile: '254712000001' }],
    });

    // Act
    const csv = await batchReport({ batches: w.batches, payouts: w.payouts }, 'b1');

    // Assess
    const [cells] = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(cells?.tradeNo).toBe("'-A1");
  });
});
