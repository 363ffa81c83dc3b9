// @ts-check
// The Daily report view: a plain form the server answers with the day's CSV; this page only
// suggests the day.
import { field, kenyaDate } from './page.js';

/** Fills in today's Kenya day unless the operator has chosen one. */
export function loadReports() {
  if (!field('report-date').value) field('report-date').value = kenyaDate();
}
