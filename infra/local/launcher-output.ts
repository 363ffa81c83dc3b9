/*
 * What `npm start` prints: one line per event on the bus, and the banner once everything runs.
 */

import type { LocalDeps } from './deps';
import type { EventEnvelope } from './eventbridge';
import { settings, type webhookEndpoint } from './launcher-settings';
import { SANDBOX_MOBILES } from './paypro-sandbox';

/**
 * One line per event the bus receives: type, payout or batch, version, the change, eventId; never
 * the mobile. A float event: the balance, the watermark and the crossing. A Paypro availability
 * event: since when, the failure, and the work held.
 */
export function eventLine(event: EventEnvelope): string {
  const detail = event.detail;
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? value : '?');
  if (event['detail-type'].startsWith('Float ')) {
    return (
      `[event] ${event['detail-type'].padEnd(17)} available=${text(detail.available)} ` +
      `watermark=${text(detail.watermark)} (${detail.previousState === null ? 'first reading' : text(detail.previousState)} → ` +
      `${text(detail.state)}) eventId=${text(detail.eventId)}`
    );
  }
  if (event['detail-type'].startsWith('Paypro ')) {
    const held = (detail.held ?? {}) as Record<string, unknown>;
    return (
      `[event] ${event['detail-type'].padEnd(17)} since=${text(detail.since)} ` +
      `${detail.restoredAt === undefined ? '' : `restoredAt=${text(detail.restoredAt)} `}` +
      `held=${text(held.payouts)} payouts, ${text(held.amount)} KES, ${text(held.batches)} batches ` +
      `eventId=${text(detail.eventId)}`
    );
  }
  const change =
    detail.previousStatus === detail.status
      ? `(${text(detail.status)})`
      : `(${text(detail.previousStatus)} → ${text(detail.status)})`;
  const subject =
    detail.tradeNo === undefined ? `batchId=${text(detail.batchId)}` : `tradeNo=${text(detail.tradeNo)}`;
  return (
    `[event] ${event['detail-type'].padEnd(17)} ${subject} v${text(detail.version)} ` +
    `${change} eventId=${text(detail.eventId)}`
  );
}

/** What `npm start` prints once everything runs: where each part is and how to try it. */
export function readyBanner(
  deps: LocalDeps,
  {
    apiUrl,
    operatorConsole,
    endpoint,
    queues,
  }: {
    apiUrl: string;
    operatorConsole: string;
    endpoint: ReturnType<typeof webhookEndpoint>;
    queues: { batchSteps: string; batchSends: string };
  },
  caps: Record<string, string>,
): string {
  const batchStepsQueue = queues.batchSteps;
  const batchSendsQueue = queues.batchSends;
  const batchDeadLetters = deps.sqs.queue(`${batchSendsQueue.split('/').pop()}-dlq`).url;
  const paypro = deps.sandbox
    ? `${deps.sandbox.url} (local sandbox)`
    : `${settings.payproBaseUrl} (PAYPRO_BASE_URL)`;
  return [
    '',
    'Payout service ready.',
    `  API:             ${apiUrl}   (header x-api-key: ${settings.apiKey})`,
    `  API document:    ${apiUrl}/openapi.json   (OpenAPI 3.1, no key)`,
    `  Operator API:    ${apiUrl}/admin/payouts, /admin/payouts/{tradeNo}/resolve, …/resend, /admin/reports/daily.csv,`,
    '                   /admin/payout-batches, /admin/payout-batches/{batchId}/approve, …/cancel',
    '                   /admin/balance, /admin/mpesa-receipts/{code}, /admin/paypro-status',
    `                   (header x-admin-key: ${settings.adminKey}, standing in for IAM; deployed: SigV4)`,
    `  Console:         ${operatorConsole}   (operator console; CONSOLE_PORT sets the port)`,
    `  Paypro:          ${paypro}`,
    `  DynamoDB:        ${deps.env.AWS_ENDPOINT_URL_DYNAMODB} (tables ${deps.env.PAYOUTS_TABLE}, ${deps.env.PAYOUT_BATCHES_TABLE}, ${deps.env.PAYOUT_LIMITS_TABLE})`,
    `  Daily caps:      ${caps.DAILY_MAX_AMOUNT} KES and ${caps.DAILY_MAX_COUNT} payouts a Kenya day; ` +
      `${caps.RECIPIENT_DAILY_MAX_AMOUNT} KES and ${caps.RECIPIENT_DAILY_MAX_COUNT} per mobile (e.g. DAILY_MAX_COUNT=10 npm start)`,
    `  Secrets Manager: ${deps.env.AWS_ENDPOINT_URL_SECRETS_MANAGER} (secret ${deps.env.PAYPRO_SECRET_ID})`,
    `  Reconciler:      every ${settings.reconcileIntervalS} s (npm run reconcile runs it once)`,
    `  Event bus:       ${deps.env.EVENT_BUS_NAME} at ${deps.env.AWS_ENDPOINT_URL_EVENTBRIDGE} (every event printed as [event])`,
    `  Outbox:          ${
      settings.outboxIntervalMs > 0
        ? `published every ${settings.outboxIntervalMs} ms (sweep-outbox, standing in for the table stream)`
        : 'not published (LOCAL_OUTBOX_INTERVAL_MS=0)'
    }`,
    `  Webhooks queue:  ${deps.env.WEBHOOKS_QUEUE_URL} -> deliver-webhooks (DLQ ${deps.env.WEBHOOKS_DLQ_URL})`,
    `  Batch steps:     ${batchStepsQueue} -> advance-batches (woken every ${settings.wakeBatchesIntervalS} s by wake-batches)`,
    `  Batch sends:     ${batchSendsQueue} -> send-batch-items, ${settings.batchSendConcurrency} at a time (DLQ ${batchDeadLetters})`,
    `  Float monitor:   every ${settings.floatMonitorIntervalS} s, balance read every ${settings.floatCheckS} s (FLOAT_CHECK_S) or at once when asked; Float Low below ${settings.floatLowWatermark} KES (FLOAT_LOW_WATERMARK)`,
    `  Paypro breaker:  paypro-breaker every ${settings.payproBreakerIntervalS} s (PAYPRO_BREAKER_INTERVAL_S): announces Paypro Unavailable / Restored ([paypro]), probes every PAYPRO_PROBE_S while open`,
    `  Batch approval:  ${process.env.BATCH_APPROVAL_ABOVE_AMOUNT ? `above ${process.env.BATCH_APPROVAL_ABOVE_AMOUNT} KES` : 'off (BATCH_APPROVAL_ABOVE_AMOUNT=100000 npm start turns it on)'}`,
    `  Webhook URL:     ${endpoint ? `${endpoint.url} (endpoint id local)` : 'none: set WEBHOOK_URL'}`,
    ...(endpoint?.generated
      ? [`  Webhook secret:  ${endpoint.secret} (generated for this run; set WEBHOOK_SECRET to choose one)`]
      : []),
    ...(deps.sandbox
      ? [
          '  Sandbox mobiles: succeeds at once ' +
            `${SANDBOX_MOBILES.succeeds} (without a callback ${SANDBOX_MOBILES.succeedsQuietly}), rejected ${SANDBOX_MOBILES.rejected}, ` +
            `stays processing ${SANDBOX_MOBILES.staysProcessing}, slower than the timeout ${SANDBOX_MOBILES.slow}, ` +
            `never calls back ${SANDBOX_MOBILES.neverCallsBack}, calls back twice ${SANDBOX_MOBILES.callsBackTwice}`,
          `  Paypro outage:   curl -s -X POST ${deps.sandbox.url}/sandbox/outage -d '{"mode":"503","seconds":60}' ` +
            '(or "refuse", "hang"; docs/local-development.md)',
        ]
      : []),
    '',
    `Try: curl -s -X POST ${apiUrl}/payouts -H 'x-api-key: ${settings.apiKey}' -H 'content-type: application/json' \\`,
    `       -d '{"amount":100,"mobile":"0712345678","tradeNo":"demo-1"}'`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
