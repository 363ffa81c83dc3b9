import { describe, expect, it } from 'vitest';
import { fundsFigures, fundsLine } from '../../../console/web/funds.js';

// 08:21:03 UTC is 11:21:03 in Nairobi, which is what the console shows.
const CHECKED_AT = '2026-11-30T08:21:03.000Z';

describe('why a batch waits for funds (the console batches list and batch details)', () => {
  it('gives the float, the money in flight, the batch total and what is missing, with grouped figures', () => {
    // Prepare: 5,000 available less 1,250.5 in flight leaves 3,749.5 of the 6,000 needed.
    const funds = { available: 5000, inFlight: 1250.5, needed: 6000, checkedAt: CHECKED_AT };
    // Act
    const figures = fundsFigures(funds);
    const line = fundsLine(funds);
    // Assess
    expect(figures).toEqual([
      ['Available at Paypro', '5,000 KES'],
      ['In flight', '1,250.5 KES'],
      ['Needed (the batch total)', '6,000 KES'],
      ['Short by', '2,250.5 KES'],
      ['Checked at', '30/11/2026, 11:21:03'],
    ]);
    expect(line).toBe('short by 2,250.5 KES (checked 30/11/2026, 11:21:03)');
  });

  it("says why Paypro's balance could not be read instead of a figure, and no shortfall", () => {
    // Prepare
    const funds = {
      inFlight: 0,
      needed: 300,
      checkedAt: CHECKED_AT,
      readError: 'Paypro Balance Inquiry answered HTTP 500',
    };
    // Act
    const figures = fundsFigures(funds);
    const line = fundsLine(funds);
    // Assess
    expect(figures).toEqual([
      ['Available at Paypro', 'could not be read: Paypro Balance Inquiry answered HTTP 500'],
      ['In flight', '0 KES'],
      ['Needed (the batch total)', '300 KES'],
      ['Checked at', '30/11/2026, 11:21:03'],
    ]);
    expect(line).toBe('balance could not be read (checked 30/11/2026, 11:21:03)');
  });

  it('says a batch whose last reading covers it goes on at its next check, never a negative shortfall', () => {
    // Prepare: the free money covers the total exactly, which the funds check lets through.
    const funds = { available: 800, inFlight: 200, needed: 600, checkedAt: CHECKED_AT };
    // Act
    const figures = fundsFigures(funds);
    const line = fundsLine(funds);
    // Assess
    expect(figures).toContainEqual(['Short by', 'nothing now: it goes on at its next check']);
    expect(line).toBe('covered (checked 30/11/2026, 11:21:03); goes on at its next check');
  });
});
