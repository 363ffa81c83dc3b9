/*
 * Issue 24's "done when" at full size, through `npm start` as a person runs it (the launcher of
 * test/support/local-stack-process.ts, a webhook receiver on loopback), each scenario on a stack of
 * its own: Paypro (the sandbox's outage mode) fails for OUTAGE_S while a batch of ITEMS is sending.
 * - 503: at most 30 payout requests reach Paypro during the outage, no item FAILED or REJECTED, the
 *   batch COMPLETED within 5 minutes of recovery with no person acting, no tradeNo accepted twice,
 *   one paypro.unavailable and one paypro.restored webhook;
 * - hang (timeouts): at most send concurrency × PAYPRO_BREAKER_FAILURES items end ambiguous (flagged),
 *   the rest are paid; an operator's verify-and-resend of each flagged payout then completes the batch.
 */
import { SANDBOX_MOBILES } from '../infra/local/paypro-sandbox';
import { type RunningStack, runNpmStart } from '../test/support/local-stack-process';
import { until } from '../test/support/wait';
import { startWebhookReceiver, type WebhookReceiver } from '../test/support/webhook-receiver';
import {
  BREAKER_FAILURES,
  type GatewayOutageResults,
  type HangOutageResults,
  ITEMS,
  OUTAGE_S,
  type OutageResults,
  SEND_CONCURRENCY,
} from './outage-report';
import { thousands } from './table';

// Waits are bounded well past the targets, so a miss is measured rather than cut off.
const WAIT_MS = 15 * 60_000;
const ADMIN_KEY = 'bench-outage-admin-key';
/** The issue's settings (deployed defaults), with npm start's 30 s reconciler and a faster sender. */
const OUTAGE_ENV: Readonly<Record<string, string>> = {
  LOCAL_ADMIN_KEY: ADMIN_KEY,
  LOCAL_BATCH_SEND_CONCURRENCY: String(SEND_CONCURRENCY),
  PAYPRO_BREAKER_FAILURES: String(BREAKER_FAILURES),
  PAYPRO_BREAKER_WINDOW_S: '30',
  PAYPRO_PROBE_S: '15',
  PAYPRO_RAMP_S: '60',
  RESEND_AFTER_S: '120',
  MAX_RESENDS: '3',
  PAYPRO_TIMEOUT_MS: '5000',
};

type Json = Record<string, unknown>;

/** The stack's API, the operator routes and the sandbox's own routes, over HTTP. */
function clientOf(stack: RunningStack, sandboxUrl: string) {
  const call = async (url: string, method: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  return {
    app: (method: string, path: string, body?: unknown) =>
      call(`${stack.apiUrl}${path}`, method, { 'x-api-key': stack.apiKey }, body),
    admin: (method: string, path: string, body?: unknown) =>
      call(`${stack.apiUrl}${path}`, method, { 'x-admin-key': ADMIN_KEY }, body),
    sandbox: async (method: string, path: string, body?: unknown) =>
      (await call(`${sandboxUrl}${path}`, method, {}, body)).body,
  };
}
type Client = ReturnType<typeof clientOf>;

/** Runs `scenario` on a fresh npm start with a webhook receiver, and stops both. */
async function onStack<T>(scenario: (client: Client, receiver: WebhookReceiver) => Promise<T>): Promise<T> {
  const receiver = await startWebhookReceiver(() => 204);
  const stack = await runNpmStart({ ...OUTAGE_ENV, WEBHOOK_URL: `${receiver.url}/hooks` }, 180_000);
  try {
    const match = /Paypro:\s+(http:\/\/127\.0\.0\.1:\d+) \(local sandbox\)/.exec(stack.output());
    if (!match?.[1]) throw new Error(`no sandbox URL in npm start's banner:\n${stack.output()}`);
    return await scenario(clientOf(stack, match[1]), receiver);
  } finally {
    await stack.stop();
    await receiver.close();
  }
}

/** Posts a batch of ITEMS, starts a `mode` outage once Paypro has taken its first items, and waits it out. */
async function batchThroughOutage(client: Client, mode: '503' | 'hang') {
  const run = Date.now().toString(36);
  const batchId = `bench-outage-${mode}-${run}`;
  const items = Array.from({ length: ITEMS }, (_, i) => ({
    tradeNo: `${batchId}-${i}`,
    amount: 100 + (i % 900),
    mobile: SANDBOX_MOBILES.succeedsQuietly,
  }));
  const posted = await client.app('POST', '/payout-batches', { batchId, items });
  if (posted.status !== 202) throw new Error(`the batch was answered ${posted.status}`);
  await until(
    () => client.sandbox('GET', '/sandbox/calls'),
    (calls) => Number(calls.payoutCalls) >= 20,
    WAIT_MS,
    50,
  );
  await client.sandbox('POST', '/sandbox/outage', { mode, seconds: OUTAGE_S });
  await until(
    () => client.sandbox('GET', '/sandbox/outage'),
    (outage) => outage.mode === 'none',
    (OUTAGE_S + 60) * 1000,
    500,
  );
  const { outages } = (await client.sandbox('GET', '/sandbox/calls')) as { outages: Json[] };
  const outage = outages.at(-1) ?? {};
  return {
    batchId,
    endedAt: Date.parse(String(outage.endedAt)),
    sentIntoOutage: Number(outage.payoutRequests),
  };
}

const batchOf = async (client: Client, batchId: string) =>
  (await client.app('GET', `/payout-batches/${batchId}?limit=1`)).body as {
    status: string;
    counts: Record<string, number>;
  };
const final = (status: string) => status === 'COMPLETED' || status === 'COMPLETED_WITH_FAILURES';

/** Distinct webhook-ids of one type the receiver got (a webhook delivered again keeps its id). */
function webhooksOf(receiver: WebhookReceiver, type: string): number {
  const ids = receiver.received
    .filter((hook) => (JSON.parse(hook.body) as { type?: string }).type === type)
    .map((hook) => String(hook.headers['webhook-id']));
  return new Set(ids).size;
}

async function gatewayOutage(progress: (message: string) => void): Promise<GatewayOutageResults> {
  return onStack(async (client, receiver) => {
    progress(`503 for ${OUTAGE_S} s while a ${thousands(ITEMS)}-item batch is sending`);
    const { batchId, endedAt, sentIntoOutage } = await batchThroughOutage(client, '503');
    const done = await until(
      () => batchOf(client, batchId),
      (batch) => final(batch.status),
      WAIT_MS,
      2_000,
    );
    const recoveryMs = final(done.status) ? Date.now() - endedAt : Number.NaN;
    await until(
      async () => webhooksOf(receiver, 'paypro.restored'),
      (n) => n > 0,
      120_000,
      1_000,
    );
    const calls = await client.sandbox('GET', '/sandbox/calls');
    return {
      sentIntoOutage,
      failed: (done.counts.FAILED ?? 0) + (done.counts.REJECTED ?? 0),
      recoveryMs,
      finalStatus: done.status,
      succeeded: done.counts.SUCCEEDED ?? 0,
      accepted: Number(calls.accepted),
      repeated: Number(calls.repeated),
      unavailableWebhooks: webhooksOf(receiver, 'paypro.unavailable'),
      restoredWebhooks: webhooksOf(receiver, 'paypro.restored'),
    };
  });
}

/** The tradeNos of `batchId` that are open and flagged for a person, every page. */
async function flaggedOf(client: Client, batchId: string): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const query = `flagged=true&status=PENDING&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = (await client.admin('GET', `/admin/payouts?${query}`)).body as {
      payouts?: Array<{ tradeNo: string }>;
      nextCursor?: string;
    };
    found.push(...(page.payouts ?? []).map((p) => p.tradeNo).filter((t) => t.startsWith(`${batchId}-`)));
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

async function hangOutage(progress: (message: string) => void): Promise<HangOutageResults> {
  return onStack(async (client) => {
    progress(`no answer (hang) for ${OUTAGE_S} s while a ${thousands(ITEMS)}-item batch is sending`);
    const { batchId, sentIntoOutage } = await batchThroughOutage(client, 'hang');
    // Settled when every item is paid or flagged for a person (an ambiguous send is never resent by itself).
    const settled = await until(
      async () => ({ batch: await batchOf(client, batchId), flagged: await flaggedOf(client, batchId) }),
      ({ batch, flagged }) => (batch.counts.SUCCEEDED ?? 0) + flagged.length >= ITEMS,
      WAIT_MS,
      5_000,
    );
    progress(`an operator verifies and resends the ${settled.flagged.length} flagged payouts`);
    const resends: Record<string, number> = {};
    for (const tradeNo of settled.flagged) {
      const reason = 'bench: checked after the hang outage; Paypro does not know it';
      const reply = await client.admin('POST', `/admin/payouts/${tradeNo}/resend`, { reason });
      resends[reply.status] = (resends[reply.status] ?? 0) + 1;
    }
    const done = await until(
      () => batchOf(client, batchId),
      (batch) => final(batch.status),
      WAIT_MS,
      2_000,
    );
    const calls = await client.sandbox('GET', '/sandbox/calls');
    return {
      sentIntoOutage,
      ambiguous: settled.flagged.length,
      paidWithoutAPerson: settled.batch.counts.SUCCEEDED ?? 0,
      resends,
      finalStatus: done.status,
      succeeded: done.counts.SUCCEEDED ?? 0,
      repeated: Number(calls.repeated),
    };
  });
}

/** Both scenarios, one npm start each. */
export async function benchOutage(progress: (message: string) => void): Promise<OutageResults> {
  return { gateway: await gatewayOutage(progress), hang: await hangOutage(progress) };
}
