// The Daily report view: a plain form the server answers with the day's CSV; this page only
// suggests the day.
import { $, kenyaDate } from './page.js';

/** Fills in today's Kenya day unless the operator has chosen one. */
export function loadReports() {
  if (!$('report-date').value) $('report-date').value = kenyaDate();
}
