/*
 * Every reply the tests receive is checked against openapi.json (test/support/contract.ts):
 *   - the handlers: each HTTP handler factory of functions/ is replaced by one whose handlers
 *     check each reply they give, so a test cannot obtain a reply that skips the check, however
 *     it builds its handler (test/support/stack.ts, or a test composing its own);
 *   - over HTTP: `fetch` checks each reply from an API that runNpmStart registered (watchApi).
 * A reply the document does not describe fails the test that received it, naming route, status
 * and what differs. Registered in vitest.config.ts as a setup file.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { vi } from 'vitest';
import { checkReply, contractChecked, type Reply, routeOf, watchedRequest } from './contract';

type Handler = (event: APIGatewayProxyEvent, context: unknown) => Promise<Reply>;

/** The factory, returning handlers whose replies are checked as replies to `route`. */
function checking<F extends (...args: never[]) => unknown>(
  factory: F,
  route: string | ((event: APIGatewayProxyEvent) => string),
): F {
  return ((...args: Parameters<F>) => contractChecked(route, factory(...args) as Handler)) as unknown as F;
}

vi.mock('../../functions/create-payout', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/create-payout')>();
  return { ...actual, createPayoutHandler: checking(actual.createPayoutHandler, 'POST /payouts') };
});

vi.mock('../../functions/get-payout', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/get-payout')>();
  return { ...actual, getPayoutHandler: checking(actual.getPayoutHandler, 'GET /payouts/{tradeNo}') };
});

vi.mock('../../functions/paypro-callback', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/paypro-callback')>();
  return {
    ...actual,
    payproCallbackHandler: checking(actual.payproCallbackHandler, 'POST /callbacks/paypro/{tradeNo}/{token}'),
  };
});

vi.mock('../../functions/create-payout-batch', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/create-payout-batch')>();
  return {
    ...actual,
    createPayoutBatchHandler: checking(actual.createPayoutBatchHandler, 'POST /payout-batches'),
  };
});

vi.mock('../../functions/get-payout-batch', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/get-payout-batch')>();
  return {
    ...actual,
    getPayoutBatchHandler: checking(actual.getPayoutBatchHandler, 'GET /payout-batches/{batchId}'),
  };
});

vi.mock('../../functions/get-payout-batch-report', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/get-payout-batch-report')>();
  return {
    ...actual,
    getPayoutBatchReportHandler: checking(
      actual.getPayoutBatchReportHandler,
      'GET /payout-batches/{batchId}/report.csv',
    ),
  };
});

vi.mock('../../functions/admin-list-payouts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/admin-list-payouts')>();
  return {
    ...actual,
    adminListPayoutsHandler: checking(actual.adminListPayoutsHandler, 'GET /admin/payouts'),
  };
});

vi.mock('../../functions/admin-resolve-payout', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/admin-resolve-payout')>();
  return {
    ...actual,
    adminResolvePayoutHandler: checking(
      actual.adminResolvePayoutHandler,
      'POST /admin/payouts/{tradeNo}/resolve',
    ),
  };
});

vi.mock('../../functions/admin-daily-report', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/admin-daily-report')>();
  return {
    ...actual,
    adminDailyReportHandler: checking(actual.adminDailyReportHandler, 'GET /admin/reports/daily.csv'),
  };
});

vi.mock('../../functions/admin-get-paypro-status', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/admin-get-paypro-status')>();
  return {
    ...actual,
    adminGetPayproStatusHandler: checking(actual.adminGetPayproStatusHandler, 'GET /admin/paypro-status'),
  };
});

vi.mock('../../functions/admin-get-balance', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/admin-get-balance')>();
  return { ...actual, adminGetBalanceHandler: checking(actual.adminGetBalanceHandler, 'GET /admin/balance') };
});

vi.mock('../../functions/admin-resend-payout', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/admin-resend-payout')>();
  return {
    ...actual,
    adminResendPayoutHandler: checking(
      actual.adminResendPayoutHandler,
      'POST /admin/payouts/{tradeNo}/resend',
    ),
  };
});

vi.mock('../../functions/admin-get-receipt', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../functions/admin-get-receipt')>();
  return {
    ...actual,
    adminGetReceiptHandler: checking(actual.adminGetReceiptHandler, 'GET /admin/mpesa-receipts/{code}'),
  };
});

const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const url = input instanceof Request ? input.url : String(input);
  const path = watchedRequest(url);
  if (path === undefined) return response;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  await checkReply(routeOf(method, path) ?? `${method} ${path}`, {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.clone().text(),
  });
  return response;
};
