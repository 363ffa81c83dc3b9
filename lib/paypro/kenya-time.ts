const KENYA_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const KENYA_UTC_OFFSET_HOURS = 3;

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
