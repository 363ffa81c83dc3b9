/** One row of the results table. */
export interface Row {
  metric: string;
  figure: string;
  target: string;
  result: 'PASS' | 'FAIL' | '—' | string;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The rows as one markdown table. */
export function renderTable(rows: readonly Row[]): string {
  const lines = [
    '| Metric | Figure | Target | Result |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${[r.metric, r.figure, r.target, r.result].map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** PASS when `ok`, else FAIL. */
export function verdict(ok: boolean): 'PASS' | 'FAIL' {
  return ok ? 'PASS' : 'FAIL';
}

/** `1234567` → `1,234,567`. */
export function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** `{ '201': 99, '200': 1 }` → `201×99, 200×1`. */
export function statusList(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
}
