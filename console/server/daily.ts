import { parse } from 'csv-parse/sync';
import { kenyaHour } from '../../lib/shared/kenya-time';
import { callStage, type ProxiedReply } from './proxy';
import type { Upstream } from './upstream';

/** The payout statuses, in the order the console shows them. */
export const STATUSES = ['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED'] as const;
// Enough for a few million payouts; a loop of `next` links must end somewhere.
const MAX_PAGES = 200;

/** Every page of a day's report joined into one CSV, or the stage's reply that stopped it. */
export type DailyCsv = { ok: true; csv: string; pages: number } | { ok: false; reply: ProxiedReply };

/** The path and query of the `rel="next"` link, resolved against the page's own path. */
function nextPath(link: string | undefined, currentPath: string): string | undefined {
  const target = link?.match(/<([^>]*)>\s*;\s*rel="?next"?/)?.[1];
  if (target === undefined) return undefined;
  const base = new URL(`http://stage/admin${currentPath}`);
  const next = new URL(target, base);
  if (next.origin !== base.origin || !next.pathname.startsWith('/admin/')) return undefined;
  return `${next.pathname.slice('/admin'.length)}${next.search}`;
}

/** GET /admin/reports/daily.csv for `date`, following `Link: rel="next"` to the last page; one header row. */
export async function fetchDailyCsv(
  upstream: Upstream,
  date: string,
  fetchImpl?: typeof fetch,
): Promise<DailyCsv> {
  let path: string | undefined = `/reports/daily.csv?date=${encodeURIComponent(date)}`;
  let csv = '';
  let pages = 0;
  while (path !== undefined && pages < MAX_PAGES) {
    const reply = await callStage(
      upstream,
      { method: 'GET', path, headers: { accept: 'text/csv' } },
      fetchImpl,
    );
    if (reply.status !== 200) return { ok: false, reply };
    const text = reply.body.toString('utf8');
    // Each page starts with the header row: keep the first page's only.
    csv += pages === 0 ? text : text.slice(text.indexOf('\n') + 1);
    pages += 1;
    path = nextPath(reply.headers.link, path);
  }
  return { ok: true, csv, pages };
}

/** Count and amount of one status (or all). */
export interface Tally {
  count: number;
  amount: number;
}

/** The day at a glance: totals by status, and payouts per Kenya hour by status. */
export interface DaySummary {
  date: string;
  total: Tally;
  byStatus: Record<string, Tally>;
  /** 24 entries, hour 0 to 23 Kenya time: how many payouts of each status were created then. */
  hours: Array<Record<string, number>>;
  flagged: number;
}

/** Counts, amounts and the hourly chart of a day's report CSV. */
export function summarizeDay(date: string, csv: string): DaySummary {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const byStatus: Record<string, Tally> = Object.fromEntries(
    STATUSES.map((s) => [s, { count: 0, amount: 0 }]),
  );
  const hours = Array.from({ length: 24 }, () => Object.fromEntries(STATUSES.map((s) => [s, 0])));
  const total = { count: 0, amount: 0 };
  let flagged = 0;
  for (const row of rows) {
    const status = row.status ?? '?';
    const amount = Number(row.amount) || 0;
    byStatus[status] ??= { count: 0, amount: 0 };
    const tally = byStatus[status];
    tally.count += 1;
    tally.amount += amount;
    total.count += 1;
    total.amount += amount;
    if (row.flaggedAt) flagged += 1;
    const created = Date.parse(row.createdAt ?? '');
    if (!Number.isNaN(created)) {
      const hour = kenyaHour(created);
      const bucket = hours[hour] as Record<string, number>;
      bucket[status] = (bucket[status] ?? 0) + 1;
    }
  }
  return { date, total, byStatus, hours, flagged };
}
