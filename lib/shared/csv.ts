/*
 * The one CSV rule of both reports (daily.csv and a batch's report.csv): RFC 4180 quoting, and
 * formula neutralising. A spreadsheet runs a cell starting with = + - @ (a tab or carriage return
 * before one hides it), so any such cell gets a leading `'`: shown, never run. It applies to every
 * cell, tradeNo and batchId included: `-A1` would still be read as arithmetic on a cell.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: neutralised when it starts like a formula, quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line of `values`, without its line break. */
export function csvLine(values: ReadonlyArray<string | number | undefined>): string {
  return values.map(csvCell).join(',');
}
