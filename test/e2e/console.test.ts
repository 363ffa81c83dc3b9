import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldLine } from '../../console/web/paypro-status.js';
import { kenyaDate } from '../../lib/shared/kenya-time';
import { type RunningStack, runNpmStart, START_HOOK_TIMEOUT_MS } from '../support/local-stack-process';

/** Where each page's screenshot is kept (git-ignored), for a person to look at after a run. */
const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/console');
/** Debian's Chromium, installed by apt (see .ci/run): Playwright never downloads a browser here. */
const CHROMIUM = '/usr/bin/chromium';

let stack: RunningStack;
let sandboxUrl: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await runNpmStart({
    // A payout the sandbox keeps PROCESSING is flagged 3 s after it is created.
    RECONCILE_MIN_AGE_S: '1',
    RECONCILE_INTERVAL_S: '2',
    RECONCILE_FLAG_AFTER_S: '3',
    // Any batch above 100 KES waits for an operator's approval.
    BATCH_APPROVAL_ABOVE_AMOUNT: '100',
  });
  const paypro = /Paypro:\s+(http:\/\/127\.0\.0\.1:\d+) \(local sandbox\)/.exec(stack.output());
  if (!paypro?.[1]) throw new Error(`no sandbox URL in npm start's banner:\n${stack.output()}`);
  sandboxUrl = paypro[1];
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  page = await (
    await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } })
  ).newPage();
}, START_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/**
 * Loads the console afresh on `view`: a hash alone would stay in the same document, with what
 * an earlier test left on the page.
 */
async function openView(view: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${stack.consoleUrl}/#${view}`);
}

const shot = (name: string) => page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });

/** A call to the apps' API (x-api-key), as an integrator would make it. */
async function app(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A call to the operator API, as the console's server makes it under npm start. */
async function admin(path: string) {
  const response = await fetch(`${stack.apiUrl}${path}`, { headers: { 'x-admin-key': 'local-admin-key' } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A call to the Paypro sandbox's own routes (its balance, its call counts). */
async function sandbox(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sandboxUrl}${path}`, {
    method,
    ...(body !== undefined && {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  });
  return (await response.json()) as Record<string, number>;
}

describe('the operator console under npm start, in Chromium', () => {
  it("is printed in the banner and opens on today, with Paypro's float, the money in flight and today's caps", async () => {
    // Act
    await openView('today');
    const table = page.locator('#today-table');
    await table.waitFor();
    await shot('today');
    // Assess
    expect(stack.output()).toMatch(/^ {2}Console: +http:\/\/localhost:\d+ {3}\(operator console/m);
    expect(await page.locator('h2', { hasText: 'Today' }).textContent()).toBe(
      `Today: ${kenyaDate(new Date())} (Kenya time)`,
    );
    expect(await table.locator('thead th').allTextContents()).toEqual(['Status', 'Count', 'Amount']);
    expect(await table.locator('tbody th').allTextContents()).toEqual([
      'PENDING',
      'PROCESSING',
      'SUCCEEDED',
      'FAILED',
    ]);
    const float = page.locator('#float-table');
    await float.waitFor({ timeout: 10_000 });
    await shot('today-float');
    expect(await float.locator('tbody th').allTextContents()).toEqual([
      'Available',
      'Frozen',
      'Unsettled',
      'In flight',
      'of which open payouts',
      'of which batch items not yet recorded',
      'Read at',
    ]);
    // The sandbox's balance, as GET /admin/balance read it for this view.
    const balance = (await admin('/admin/balance')).body as { paypro: { available: number } };
    const available = await float.locator('tbody tr', { hasText: 'Available' }).locator('td').textContent();
    expect(available).toMatch(/^[\d,.]+ KES$/);
    expect(Number(available?.replace(/[^\d.]/g, ''))).toBeGreaterThanOrEqual(balance.paypro.available);
    const caps = page.locator('#caps-table');
    expect(await caps.locator('caption').textContent()).toBe(`Caps on ${kenyaDate(new Date())} (Kenya time)`);
    expect(await caps.locator('tbody th').allTextContents()).toEqual([
      'Day total, amount',
      'Day total, count',
      'Per recipient, amount',
      'Per recipient, count',
    ]);
  });

  it('resolves a flagged payout: Paypro contradicts, the operator forces, the payout becomes FAILED', async () => {
    // Prepare: the sandbox keeps this mobile PROCESSING forever; the reconciler flags it after 3 s.
    const tradeNo = `console-flag-${Date.now()}`;
    const created = await app('POST', '/payouts', { amount: 110, mobile: '254700000015', tradeNo });
    expect(created.status).toBe(201);
    const flagged = async () =>
      ((await admin('/admin/payouts?flagged=true')).body.payouts as Array<{ tradeNo: string }>).map(
        (p) => p.tradeNo,
      );
    await expect.poll(flagged, { timeout: 30_000, interval: 500 }).toContain(tradeNo);
    // Act: find it under Needs attention with its history shown, resolve it.
    await openView('attention');
    const card = page.locator('article', { has: page.getByRole('heading', { name: tradeNo }) });
    await card.waitFor();
    await card.locator('.timeline li', { hasText: 'reconciler' }).waitFor();
    const history = await card.locator('.timeline li').allTextContents();
    await card.getByLabel('Resolve as').selectOption('FAILED');
    await card.getByLabel('Reason (required)').fill('Paypro support says it never reached M-Pesa');
    await card.getByRole('button', { name: 'Resolve', exact: true }).click();
    const warning = card.getByRole('alert');
    await warning.waitFor();
    await shot('attention-paypro-contradicts');
    const warningText = await warning.textContent();
    await card.getByRole('button', { name: 'Resolve as FAILED anyway' }).click();
    const resolved = page.locator('#resolved');
    await resolved.waitFor();
    await shot('attention-resolved');
    const read = await admin(`/admin/payouts/${tradeNo}`);
    // Assess
    expect(history.map((line) => line.replace(/^.+? · /, ''))).toEqual([
      'api → PENDING · payout requested',
      'paypro-payout → PROCESSING · 0015 CREDIT_INPROGRESS · payout accepted by Paypro',
      'reconciler · still open past the flag age; needs a human (see docs/operator-guide.md, "Flagged payouts")',
    ]);
    expect(warningText).toContain('Paypro answered: Paypro is still processing it (0015 CREDIT_INPROGRESS)');
    expect(await resolved.locator('p').first().textContent()).toBe(`Resolved ${tradeNo}: now FAILED`);
    // Settled, it needs attention no more.
    await expect
      .poll(() => page.getByRole('heading', { name: tradeNo }).count(), { timeout: 20_000 })
      .toBe(0);
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('FAILED');
    expect((read.body.history as unknown[]).at(-1)).toEqual({
      at: expect.any(String),
      source: 'operator',
      status: 'FAILED',
      code: '0015',
      message: 'CREDIT_INPROGRESS',
      operator: 'local',
      reason: 'Paypro support says it never reached M-Pesa',
      note: 'resolved by operator (forced); Paypro: is still processing it (0015 CREDIT_INPROGRESS)',
    });
  }, 90_000);

  it('approves a batch awaiting approval with the keyboard and shows its progress reach 100 %', async () => {
    // Prepare: 500 KES is above the 100 KES approval threshold.
    const batchId = `console-batch-${Date.now()}`;
    const items = Array.from({ length: 5 }, (_, i) => ({
      amount: 100,
      mobile: `07120000${String(10 + i)}`,
      tradeNo: `${batchId}-${i}`,
    }));
    const accepted = await app('POST', '/payout-batches', { batchId, items });
    expect(accepted.status).toBe(202);
    await openView('batches');
    const row = page.locator(`tr[data-batch-id="${batchId}"]`);
    await expect
      .poll(() => row.locator('td.status').textContent(), { timeout: 30_000 })
      .toMatch(/^AWAITING_APPROVAL/);
    await shot('batches-awaiting-approval');
    // Act: on the button, Enter; the form takes the focus; type, Tab to Approve, Enter.
    await row.getByRole('button', { name: 'Approve…' }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate('document.activeElement?.id'), { timeout: 5_000 })
      .toBe('decision-reason');
    await page.keyboard.type('Payroll for November, checked against the sheet');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('#batches-decision', { hasText: `Batch ${batchId} is now` }).waitFor();
    const progress = row.locator('.progress-text');
    await expect
      .poll(() => progress.textContent(), { timeout: 60_000, interval: 500 })
      .toBe('100 % (5 of 5 final)');
    await expect.poll(() => row.locator('td.status').textContent(), { timeout: 30_000 }).toBe('COMPLETED');
    await shot('batches-completed');
    const [report] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: 'Report CSV' }).click(),
    ]);
    const reportRows = parse(readFileSync(await report.path(), 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;
    await row.getByRole('button', { name: 'Details' }).click();
    await page.locator('#batch-detail').waitFor();
    await shot('batch-detail');
    const batch = await admin(`/admin/payout-batches/${batchId}`);
    // Assess
    expect(await row.locator('progress').getAttribute('value')).toBe('100');
    expect(await page.locator('#batch-detail dt').allTextContents()).toEqual([
      'Status',
      'Payouts',
      'Created',
      'Approved',
      'Completed',
    ]);
    expect(await page.locator('#batch-detail dd').allTextContents()).toEqual([
      'COMPLETED',
      '5, 500 KES',
      expect.any(String),
      expect.stringMatching(
        /^Approved by local at .+ \(“Payroll for November, checked against the sheet”\)$/,
      ),
      expect.any(String),
    ]);
    expect(reportRows.map((r) => [r.tradeNo, r.status])).toEqual(
      items.map((item) => [item.tradeNo, 'SUCCEEDED']),
    );
    expect(await page.locator('#batch-items tbody tr td:nth-child(3)').allTextContents()).toEqual(
      Array(5).fill('SUCCEEDED'),
    );
    expect(batch.body).toMatchObject({
      batchId,
      status: 'COMPLETED',
      itemCount: 5,
      totalAmount: 500,
      approval: {
        by: 'local',
        at: expect.any(String),
        reason: 'Payroll for November, checked against the sheet',
      },
    });
  }, 150_000);

  it('cancels a batch awaiting approval only with a reason', async () => {
    // Prepare
    const batchId = `console-cancel-${Date.now()}`;
    const items = [
      { amount: 150, mobile: '0712000020', tradeNo: `${batchId}-0` },
      { amount: 150, mobile: '0712000021', tradeNo: `${batchId}-1` },
    ];
    expect((await app('POST', '/payout-batches', { batchId, items })).status).toBe(202);
    await openView('batches');
    const row = page.locator(`tr[data-batch-id="${batchId}"]`);
    await expect
      .poll(() => row.locator('td.status').textContent(), { timeout: 30_000 })
      .toMatch(/^AWAITING_APPROVAL/);
    // Act: first without a reason, then with one.
    await row.getByRole('button', { name: 'Cancel…' }).click();
    const decision = page.locator('#batches-decision');
    await decision.getByRole('button', { name: 'Cancel batch' }).click();
    const refused = await decision.locator('[role="status"]').textContent();
    const focused = await page.evaluate('document.activeElement?.id');
    await decision.getByLabel('Reason (required)').fill('Sent twice by finance');
    await decision.getByRole('button', { name: 'Cancel batch' }).click();
    await decision.getByText(`Batch ${batchId} is now CANCELLED.`).waitFor();
    await expect.poll(() => row.locator('td.status').textContent(), { timeout: 10_000 }).toBe('CANCELLED');
    await shot('batches-cancelled');
    const batch = await admin(`/admin/payout-batches/${batchId}`);
    // Assess
    expect(refused).toBe('A reason is required to cancel a batch.');
    expect(focused).toBe('decision-reason');
    expect(await row.getByRole('button', { name: 'Cancel…' }).count()).toBe(0);
    expect(batch.body).toMatchObject({
      batchId,
      status: 'CANCELLED',
      cancellation: { by: 'local', at: expect.any(String), reason: 'Sent twice by finance' },
    });
  }, 60_000);

  it('shows why a batch awaits funds in figures, links to it from Today, and cancels it only with a reason', async () => {
    // Prepare: a float of 50 KES for a batch of 80 (not above 100 KES: no approval is needed).
    const before = await sandbox('GET', '/sandbox/balance');
    await sandbox('POST', '/sandbox/balance', { available: 50 });
    const callsBefore = await sandbox('GET', '/sandbox/calls');
    try {
      const batchId = `console-funds-${Date.now()}`;
      const items = [{ amount: 80, mobile: '0712000030', tradeNo: `${batchId}-0` }];
      expect((await app('POST', '/payout-batches', { batchId, items })).status).toBe(202);
      await expect
        .poll(async () => (await admin(`/admin/payout-batches/${batchId}`)).body.status, { timeout: 30_000 })
        .toBe('AWAITING_FUNDS');
      const { funds } = (await admin(`/admin/payout-batches/${batchId}`)).body as {
        funds: { available: number; inFlight: number; needed: number };
      };
      // Act: Today says a batch waits; its link opens Batches on those awaiting funds.
      await openView('today');
      const notice = page.locator('#today-awaiting-funds');
      await notice.waitFor({ timeout: 10_000 });
      await shot('today-awaiting-funds');
      const noticeText = await notice.textContent();
      await notice.getByRole('link', { name: 'Show the batches awaiting funds' }).click();
      const row = page.locator(`tr[data-batch-id="${batchId}"]`);
      await row.waitFor({ timeout: 10_000 });
      const filter = await page.getByLabel('Status', { exact: true }).inputValue();
      const listed = await page.locator('#batches-table tbody tr').count();
      const note = await row.locator('td.status small').textContent();
      const buttons = await row.getByRole('button').allTextContents();
      await row.getByRole('button', { name: 'Details' }).click();
      const figures = page.locator('#batch-funds');
      await figures.waitFor();
      await shot('batches-awaiting-funds');
      const rows = await figures.locator('tr').allInnerTexts();
      // Act: cancel, first without a reason, then with one.
      await row.getByRole('button', { name: 'Cancel…' }).click();
      const decision = page.locator('#batches-decision');
      await decision.getByRole('button', { name: 'Cancel batch' }).click();
      const refused = await decision.locator('[role="status"]').textContent();
      await decision.getByLabel('Reason (required)').fill('Float not topped up this week');
      await decision.getByRole('button', { name: 'Cancel batch' }).click();
      await decision.getByText(`Batch ${batchId} is now CANCELLED.`).waitFor();
      // No longer awaiting funds, it leaves the list filtered on them.
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
      const batch = await admin(`/admin/payout-batches/${batchId}`);
      const callsAfter = await sandbox('GET', '/sandbox/calls');
      // Assess
      const kes = (n: number) => `${n.toLocaleString('en-KE')} KES`;
      const short = funds.needed - (funds.available - funds.inFlight);
      expect(funds).toMatchObject({ available: 50, needed: 80 });
      expect(noticeText).toBe('1 batch waits for the float to cover 80 KES. Show the batches awaiting funds');
      expect(filter).toBe('AWAITING_FUNDS');
      expect(listed).toBe(1);
      const checkedAt = rows.at(-1)?.split('\t')[1];
      expect(note).toBe(`short by ${kes(short)} (checked ${checkedAt})`);
      expect(buttons).toEqual(['Cancel…', 'Details']);
      expect(rows.map((line) => line.split('\t'))).toEqual([
        ['Available at Paypro', '50 KES'],
        ['In flight', kes(funds.inFlight)],
        ['Needed (the batch total)', '80 KES'],
        ['Short by', kes(short)],
        ['Checked at', expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}, [\d:]+$/)],
      ]);
      expect(refused).toBe('A reason is required to cancel a batch.');
      expect(batch.body).toMatchObject({
        batchId,
        status: 'CANCELLED',
        cancellation: { by: 'local', at: expect.any(String), reason: 'Float not topped up this week' },
      });
      // Nothing of it was ever sent to Paypro.
      expect(callsAfter.payoutCalls).toBe(callsBefore.payoutCalls);
    } finally {
      await sandbox('POST', '/sandbox/balance', { available: before.available });
    }
  }, 90_000);

  it('downloads the daily CSV of a day, every page in one file', async () => {
    // Prepare: a payout of today that the default sandbox mobile settles at once.
    const tradeNo = `console-csv-${Date.now()}`;
    const created = await app('POST', '/payouts', { amount: 120, mobile: '0712345678', tradeNo });
    expect(created.status).toBe(201);
    const today = kenyaDate(new Date());
    await openView('reports');
    await expect.poll(() => page.getByLabel('Day').inputValue(), { timeout: 5_000 }).toBe(today);
    await shot('daily-report');
    // Act
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    // Today's view counts the same report: its total is the CSV's rows (nothing is created between).
    await openView('today');
    await page.locator('#today-table').waitFor();
    await shot('today-with-payouts');
    const todayTotal = await page.locator('#today-table tfoot td').allTextContents();
    const todayStatuses = await page.locator('#today-table tbody tr').allInnerTexts();
    // Assess
    expect(download.suggestedFilename()).toBe(`payouts-${today}.csv`);
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'tradeNo',
      'createdAt',
      'status',
      'amount',
      'mobile',
      'batchId',
      'serialNumber',
      'platFormTradeNo',
      'payproCode',
      'payproMessage',
      'successTime',
      'flaggedAt',
    ]);
    expect(rows.find((row) => row.tradeNo === tradeNo)).toEqual({
      tradeNo,
      createdAt: created.body.createdAt,
      status: expect.stringMatching(/^(PROCESSING|SUCCEEDED)$/),
      amount: '120',
      mobile: '2547****5678',
      batchId: '',
      serialNumber: expect.any(String),
      platFormTradeNo: expect.any(String),
      payproCode: expect.any(String),
      payproMessage: expect.any(String),
      successTime: expect.any(String),
      flaggedAt: '',
    });
    // Every mobile masked, none whole.
    expect(rows.every((row) => /^\d{4}\*{4}\d{4}$/.test(row.mobile ?? ''))).toBe(true);
    const sum = (list: Array<Record<string, string>>) =>
      list.reduce((total, row) => total + Number(row.amount), 0);
    expect(todayTotal).toEqual([String(rows.length), `${sum(rows).toLocaleString('en-KE')} KES`]);
    expect(todayStatuses.map((line) => line.split('\t')[0])).toEqual([
      'PENDING',
      'PROCESSING',
      'SUCCEEDED',
      'FAILED',
    ]);
  });

  it('finds a payout by tradeNo with its history, and says Paypro does not know an M-Pesa receipt code it never gave', async () => {
    // Prepare
    const tradeNo = `console-find-${Date.now()}`;
    await app('POST', '/payouts', { amount: 130, mobile: '254700000015', tradeNo, remark: 'find me' });
    await openView('find');
    // Act
    await page.getByLabel('Payout tradeNo').fill(tradeNo);
    await page.getByLabel('Payout tradeNo').press('Enter');
    const found = page.locator('#found-payout');
    await found.waitFor();
    await shot('find-payout');
    const timeline = await found.locator('.timeline li').allTextContents();
    const summary = await found.locator('p').first().textContent();
    await page.getByLabel('M-Pesa receipt code').fill('QK12ABC34D');
    await page.getByRole('button', { name: 'Find receipt' }).click();
    await page.locator('#find-status', { hasText: 'QK12ABC34D' }).waitFor();
    await shot('find-receipt');
    // Assess
    expect(summary).toMatch(/^PROCESSING · 130 KES · 2547\*{4}0015 · created .+ · updated .+ · “find me”$/);
    // The reconciler may have added its flag since: the first two are the payout's own.
    expect(timeline.slice(0, 2).map((line) => line.replace(/^.+? · /, ''))).toEqual([
      'api → PENDING · payout requested',
      'paypro-payout → PROCESSING · 0015 CREDIT_INPROGRESS · payout accepted by Paypro',
    ]);
    expect(await page.locator('#find-status').textContent()).toBe(
      'Paypro knows no M-Pesa transaction with receipt code QK12ABC34D (Paypro: 1005 ORDER_NOT_EXIST).',
    );
  });

  // Last in the file: it leaves the breaker open until its next probe, which would hold the
  // payouts of any test after it.
  it('opens Today on a banner while Paypro is unavailable: since when, what is held, nothing lost, the next probe', async () => {
    // Prepare: a 503 outage, and single payouts into it until the breaker opens (5 failures
    // within 30 s by default), then one more, which the breaker holds.
    await sandbox('POST', '/sandbox/outage', { mode: '503', seconds: 120 });
    try {
      const run = Date.now().toString(36);
      const paypro = async () => (await admin('/admin/paypro-status')).body;
      for (let i = 0; i < 10 && (await paypro()).availability !== 'unavailable'; i++) {
        await app('POST', '/payouts', {
          amount: 140,
          mobile: '0712345678',
          tradeNo: `console-outage-${run}-${i}`,
        });
      }
      await expect.poll(async () => (await paypro()).availability, { timeout: 10_000 }).toBe('unavailable');
      // A sender reads the breaker through a cache of PAYPRO_BREAKER_CACHE_MS (1 s): past it, the
      // next payout is held, not sent into the outage.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await app('POST', '/payouts', {
        amount: 160,
        mobile: '0712345678',
        tradeNo: `console-outage-${run}-held`,
      });
      // Act
      await openView('today');
      const banner = page.locator('#today-paypro[role="status"] #paypro-banner');
      await banner.waitFor({ timeout: 15_000 });
      await shot('today-paypro-unavailable');
      const lines = await banner.locator('p').allTextContents();
      const status = (await paypro()) as {
        since: string;
        held: { payouts: number; amount: number; batches: number };
      };
      // Kenya time as the page itself writes it (format.js), in the same browser.
      const since = await page.evaluate(
        (iso) => new Date(iso).toLocaleString('en-GB', { timeZone: 'Africa/Nairobi' }),
        status.since,
      );
      // Assess
      expect(await banner.getAttribute('data-availability')).toBe('unavailable');
      expect(lines[0]).toBe(`Paypro unavailable since ${since}: nothing is being sent to it.`);
      expect(lines[1]).toBe(heldLine(status.held));
      expect(status.held.payouts).toBeGreaterThanOrEqual(1);
      expect(lines[2]).toMatch(/^Nothing is lost: single payouts stay PENDING/);
      expect(lines).toContainEqual(expect.stringMatching(/^Next probe: /));
      // The rest of Today still loads under it.
      await page.locator('#today-table').waitFor();
    } finally {
      await sandbox('POST', '/sandbox/outage', { mode: 'none' });
    }
  }, 90_000);
});
