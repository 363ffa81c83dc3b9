const KENYA_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
// Kenya keeps UTC+3 all year (no daylight saving): every Kenya time in the service is this one offset.
const KENYA_UTC_OFFSET_HOURS = 3;
const KENYA_UTC_OFFSET_MS = KENYA_UTC_OFFSET_HOURS * 60 * 60 * 1000;

/**
 * Converts Paypro's `yyyy-MM-dd HH:mm:ss` in Kenya time (UTC+3, no daylight saving) to a
 * UTC ISO string; undefined when the text is not such a time.
 */
export function kenyaTimeToIso(text: string): string | undefined {
  const m = KENYA_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d));
  // Date.UTC rolls 2024-02-31 over into March; such a time is not a time.
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(Date.UTC(y, mo - 1, d, h - KENYA_UTC_OFFSET_HOURS, mi, s)).toISOString();
}

/** The Kenya calendar day (`YYYY-MM-DD`, UTC+3) of an instant: the day caps and daily reports count by. */
export function kenyaDate(at: Date | string): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(ms + KENYA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** The first instant (UTC ISO) of a Kenya calendar day `YYYY-MM-DD`: 21:00 UTC the evening before. */
export function kenyaDayStart(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - KENYA_UTC_OFFSET_MS).toISOString();
}

/** An instant's Kenya wall-clock time as `yyyyMMddHHmmss`: the stamp Paypro recommends for a tradeNo. */
export function kenyaStamp(at: Date): string {
  return new Date(at.getTime() + KENYA_UTC_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** An instant as Paypro writes times: `yyyy-MM-dd HH:mm:ss` in Kenya time (the inverse of kenyaTimeToIso). */
export function kenyaTime(at: Date): string {
  return new Date(at.getTime() + KENYA_UTC_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The Kenya wall-clock hour (0-23) of an instant given in ms since the epoch. */
export function kenyaHour(atMs: number): number {
  return new Date(atMs + KENYA_UTC_OFFSET_MS).getUTCHours();
}
