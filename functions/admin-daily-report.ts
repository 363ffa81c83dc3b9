import { type DailyReportDeps, dailyReport } from '../lib/admin/daily-report';
import { readConfig } from '../lib/config';
import { type ApiHandler, httpHandler, operatorOf } from '../lib/handlers/http';
import { logger } from '../lib/shared/logger';
import { buildAdminReadDeps, readAdminRead } from '../lib/wiring/admin';

/** GET /admin/reports/daily.csv?date= (IAM): every payout created that Kenya day, for reconciliation. */
export function adminDailyReportHandler(deps: DailyReportDeps) {
  const raw: ApiHandler = async (event) => {
    const operator = operatorOf(event);
    const report = await dailyReport(deps, event.queryStringParameters);
    logger.info('operator reads the daily report', {
      operator,
      date: report.date,
      more: !!report.nextCursor,
    });
    const next = report.nextCursor
      ? // Relative to the request's own URL, so it holds behind any stage or custom domain path.
        `<daily.csv?date=${report.date}&cursor=${report.nextCursor}>; rel="next"`
      : undefined;
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="payouts-${report.date}.csv"`,
        ...(next && { link: next }),
      },
      body: report.csv,
    };
  };
  return httpHandler(raw);
}

// Reads only the payouts-by-day index: no Paypro client or Secrets Manager in this bundle.
export const handler = adminDailyReportHandler(buildAdminReadDeps(readConfig(readAdminRead)));
