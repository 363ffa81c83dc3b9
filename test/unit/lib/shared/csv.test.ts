import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../../../lib/shared/csv';

describe('csvCell, the one CSV rule of both reports', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+254700', "'+254700"],
    ['-A1', "'-A1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
  ])('neutralises %j, which a spreadsheet would run, as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [1500, '1500'],
    [undefined, ''],
    ['A-1=2', 'A-1=2'],
  ])('leaves %j as RFC 4180 writes it: %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes a line of cells', () => {
    expect(csvLine(['-A1', 5, undefined, 'x,y'])).toBe(`'-A1,5,,"x,y"`);
  });
});
