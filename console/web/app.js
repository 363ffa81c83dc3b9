// The operator console's page: plain ES modules, DOM built with textContent only (never
// innerHTML), so nothing the API returns can become markup. Every call goes to this page's own
// server, which adds the operator's authentication; nothing secret is ever here.
import { hourlyChart } from './chart.js';
import { count, kes, time } from './format.js';
import { fundsFigures, fundsLine } from './funds.js';
import { batchPaused, payproReader } from './paypro-status.js';
import { showPayproBanner } from './paypro-view.js';
import { batchProgress } from './progress.js';
import { bulkResend, resendForm } from './resend-view.js';

const STATUSES = ['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED'];
const KENYA_OFFSET_MS = 3 * 60 * 60 * 1000;
// Histories read at once under Needs attention; the others when opened, so a long list stays cheap.
const HISTORIES_SHOWN = 10;
// Batches awaiting funds Today counts at most (one page): more only says "or more".
const AWAITING_FUNDS_LISTED = 100;
// Today reads the whole day's report: every half minute is plenty; batches move by the second.
const REFRESH_MS = { today: 30_000, batches: 3_000 };

const $ = (id) => document.getElementById(id);

/** Sets one attribute of `h`: an `on…` function becomes a listener, `true` an empty attribute. */
function applyAttribute(node, name, value) {
  if (value === undefined || value === false || value === null) return;
  if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
  else if (value === true) node.setAttribute(name, '');
  else node.setAttribute(name, String(value));
}

/** An element with attributes (`on…` functions become listeners) and children (strings become text). */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) applyAttribute(node, name, value);
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** The Kenya day (UTC+3) of an instant, YYYY-MM-DD. */
const kenyaDate = (ms = Date.now()) => new Date(ms + KENYA_OFFSET_MS).toISOString().slice(0, 10);

/** Calls this console's server; the reply's status, content type and parsed body. */
async function call(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  // Only this page sends this header; the server refuses a POST without it (see server.ts).
  if (method !== 'GET') headers['x-console-request'] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'omit',
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (error) {
    return { status: 0, type: '', data: { detail: `The console server did not answer: ${error.message}` } };
  }
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await response.json().catch(() => undefined) : await response.text();
  return { status: response.status, type, data };
}

/** A 403 or 404 that is not the service's own problem reply: the stage has no such route. */
const missingRoute = (reply) =>
  (reply.status === 403 || reply.status === 404) && !reply.type.startsWith('application/problem+json');

/** What went wrong, in words: the problem's detail and each field problem. */
function problemText(reply) {
  const data = reply.data;
  if (data && typeof data === 'object') {
    const fields = Array.isArray(data.errors) ? data.errors.map((e) => `${e.field} ${e.message}`) : [];
    const main = data.detail ?? data.message ?? data.title ?? `HTTP ${reply.status}`;
    return [main, ...fields].join('; ');
  }
  return `HTTP ${reply.status}${typeof data === 'string' && data ? `: ${data.slice(0, 300)}` : ''}`;
}

function say(target, text, kind = 'muted') {
  target.replaceChildren(text ? h('p', { class: kind }, text) : '');
}

// ---- Views and navigation ---------------------------------------------------------------

const VIEWS = ['today', 'attention', 'batches', 'find', 'reports'];
let current;
let timer;

function show(view, { focus = true } = {}) {
  current = VIEWS.includes(view) ? view : 'today';
  for (const section of document.querySelectorAll('[data-view]')) {
    section.hidden = section.dataset.view !== current;
  }
  for (const link of document.querySelectorAll('header nav a')) {
    if (link.getAttribute('href') === `#${current}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (focus) $(`view-${current}`).querySelector('h2').focus();
  load(current);
  refreshing();
}

/** Refreshes the current view on its interval (never Needs attention, whose forms it would wipe). */
function refreshing() {
  clearInterval(timer);
  if (REFRESH_MS[current]) timer = setInterval(() => load(current, { quiet: true }), REFRESH_MS[current]);
}

function load(view, options = {}) {
  if (view === 'today') return loadToday();
  if (view === 'attention' && !options.quiet) return loadAttention();
  if (view === 'batches') return loadBatches(options);
  if (view === 'reports' && !$('report-date').value) $('report-date').value = kenyaDate();
}

// ---- Today ------------------------------------------------------------------------------

async function loadToday() {
  const date = kenyaDate();
  $('view-today').querySelector('h2').textContent = `Today: ${date} (Kenya time)`;
  // Not behind the day's report, which reads every page of the day: an outage shows at once.
  const banner = call('/api/paypro-status').then((reply) =>
    showPayproBanner($('today-paypro'), reply, { h, missingRoute, problemText }),
  );
  const reply = await call(`/console/today?date=${date}`);
  if (reply.status !== 200) {
    say($('today-status'), `Could not read the day's report: ${problemText(reply)}`, 'error');
  } else {
    say($('today-status'), '');
    renderTotals(reply.data);
    const legend = h(
      'p',
      { class: 'legend' },
      STATUSES.map((s) => h('span', {}, h('span', { class: `swatch s-${s}`, 'aria-hidden': 'true' }), s)),
    );
    $('today-chart').replaceChildren(
      legend,
      hourlyChart(reply.data.hours, STATUSES),
      hourlyTable(reply.data.hours),
    );
    $('today-when').textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}`;
  }
  const balance = await call('/api/balance');
  if (missingRoute(balance)) say($('today-balance'), 'Caps and float: not available on this stage.');
  else if (balance.status !== 200) say($('today-balance'), problemText(balance), 'error');
  else $('today-balance').replaceChildren(floatTable(balance.data), capsTable(balance.data.caps));
  await loadAwaitingFunds();
  await banner;
}

/** Under the float: how many batches wait for funds, and a link to them in Batches. */
async function loadAwaitingFunds() {
  const reply = await call(`/api/payout-batches?status=AWAITING_FUNDS&limit=${AWAITING_FUNDS_LISTED}`);
  if (missingRoute(reply)) return say($('today-funds'), '');
  if (reply.status !== 200) return say($('today-funds'), problemText(reply), 'error');
  const { batches, nextCursor } = reply.data;
  if (batches.length === 0) return say($('today-funds'), 'No batch waits for funds.');
  const needed = batches.reduce((sum, batch) => sum + batch.totalAmount, 0);
  const link = h(
    'a',
    {
      href: '#batches',
      // Set before the hash changes, so the Batches view opens on them.
      onclick: () => {
        $('batches-status').value = 'AWAITING_FUNDS';
        batchCursor = undefined;
      },
    },
    'Show the batches awaiting funds',
  );
  const more = nextCursor ? ' or more' : '';
  const waiting =
    batches.length === 1 && !more ? '1 batch waits' : `${count(batches.length)}${more} batches wait`;
  $('today-funds').replaceChildren(
    h(
      'p',
      { class: 'warning', id: 'today-awaiting-funds' },
      `${waiting} for the float to cover ${kes(needed)}${more}. `,
      link,
    ),
  );
}

/** A row of a two-column table: what, and its value. */
const figureRow = (label, value) =>
  h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, value));

/** Paypro's balance as read for this view, and what is in flight against it. */
function floatTable({ paypro, inFlight }) {
  const money = ({ count: n, amount }, what) => `${kes(amount)} in ${count(n)} ${what}`;
  return h(
    'table',
    { id: 'float-table' },
    h('caption', {}, 'Float at Paypro, and the money in flight'),
    h(
      'tbody',
      {},
      figureRow('Available', kes(paypro.available)),
      figureRow('Frozen', kes(paypro.frozen)),
      figureRow('Unsettled', kes(paypro.unsettled)),
      figureRow('In flight', kes(inFlight.amount)),
      figureRow('of which open payouts', money(inFlight.openPayouts, 'payouts')),
      figureRow('of which batch items not yet recorded', money(inFlight.queuedItems, 'items')),
      figureRow('Read at', time(paypro.readAt)),
    ),
  );
}

/** Today's caps against their limits; a cap the stage does not set says so. */
function capsTable(caps) {
  const day = [
    ['Day total, amount', caps.dailyAmount, kes],
    ['Day total, count', caps.dailyCount, count],
  ].map(([label, cap, unit]) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, label),
      cap
        ? [unit(cap.limit), unit(cap.used), unit(cap.remaining)].map((v) => h('td', { class: 'num' }, v))
        : h('td', { colspan: 3 }, 'not set'),
    ),
  );
  const perRecipient = [
    ['Per recipient, amount', caps.recipientDailyAmount, kes],
    ['Per recipient, count', caps.recipientDailyCount, count],
  ].map(([label, cap, unit]) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, label),
      h('td', { class: 'num' }, cap ? unit(cap.limit) : 'not set'),
      h('td', { colspan: 2, class: 'muted' }, cap ? 'each recipient has a counter of their own' : ''),
    ),
  );
  return h(
    'table',
    { id: 'caps-table' },
    h('caption', {}, `Caps on ${caps.day} (Kenya time)`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Cap'),
        h('th', { class: 'num', scope: 'col' }, 'Limit'),
        h('th', { class: 'num', scope: 'col' }, 'Used'),
        h('th', { class: 'num', scope: 'col' }, 'Remaining'),
      ),
    ),
    h('tbody', {}, day, perRecipient),
  );
}

function renderTotals(day) {
  const statuses = [...new Set([...STATUSES, ...Object.keys(day.byStatus)])];
  const rows = statuses.map((s) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, s),
      h('td', { class: 'num' }, day.byStatus[s]?.count ?? 0),
      h('td', { class: 'num' }, kes(day.byStatus[s]?.amount ?? 0)),
    ),
  );
  $('today-totals').replaceChildren(
    h(
      'table',
      { id: 'today-table' },
      h('caption', {}, `Payouts created on ${day.date}, by status`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Status'),
          h('th', { class: 'num' }, 'Count'),
          h('th', { class: 'num' }, 'Amount'),
        ),
      ),
      h('tbody', {}, rows),
      h(
        'tfoot',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, 'All'),
          h('td', { class: 'num' }, day.total.count),
          h('td', { class: 'num' }, kes(day.total.amount)),
        ),
      ),
    ),
    h('p', {}, `Flagged by the reconciler (resolved or not): ${day.flagged}`),
  );
}

/** The chart's numbers as a table, folded away: for screen readers and for reading exact counts. */
function hourlyTable(hours) {
  const rows = hours
    .map((hour, index) => ({ hour, index }))
    .filter(({ hour }) => STATUSES.some((s) => hour[s] > 0))
    .map(({ hour, index }) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, `${String(index).padStart(2, '0')}:00`),
        STATUSES.map((s) => h('td', { class: 'num' }, hour[s] ?? 0)),
      ),
    );
  return h(
    'details',
    {},
    h('summary', {}, 'Per hour as a table'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Hour'),
          STATUSES.map((s) => h('th', { class: 'num', scope: 'col' }, s)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.length ? rows : h('tr', {}, h('td', { colspan: STATUSES.length + 1 }, 'No payouts yet.')),
      ),
    ),
  );
}

/** Any JSON value as nested tables: for replies whose shape this page does not know in advance. */
function valueTable(value) {
  if (value === null || typeof value !== 'object') return h('span', {}, String(value));
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return h(
    'table',
    {},
    h(
      'tbody',
      {},
      entries.map(([key, v]) => h('tr', {}, h('th', { scope: 'row' }, key), h('td', {}, valueTable(v)))),
    ),
  );
}

// ---- Needs attention --------------------------------------------------------------------

async function loadAttention() {
  const minutes = Number($('attention-age').value);
  const before = new Date(Date.now() - minutes * 60_000).toISOString();
  say($('attention-status'), 'Loading…');
  const replies = await Promise.all([
    call('/api/payouts?flagged=true&limit=100'),
    call(`/api/payouts?status=PENDING&to=${encodeURIComponent(before)}&limit=100`),
    call(`/api/payouts?status=PROCESSING&to=${encodeURIComponent(before)}&limit=100`),
  ]);
  const failed = replies.find((r) => r.status !== 200);
  if (failed) return say($('attention-status'), `Could not list payouts: ${problemText(failed)}`, 'error');
  const seen = new Map();
  for (const reply of replies) {
    for (const payout of reply.data.payouts) {
      // Only an open payout can be resolved; a flagged one settled since needs nothing.
      if (payout.status === 'PENDING' || payout.status === 'PROCESSING') seen.set(payout.tradeNo, payout);
    }
  }
  const payouts = [...seen.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  say(
    $('attention-status'),
    payouts.length === 0 ? 'Nothing needs attention.' : `${payouts.length} payout(s) need attention.`,
  );
  $('attention-bulk').replaceChildren(bulkResend(payouts, resendUi()));
  $('attention-list').replaceChildren(
    ...payouts.map((payout, index) => attentionCard(payout, index < HISTORIES_SHOWN)),
  );
}

/** One card per payout needing attention; its history (one call each) is open on the first few only. */
function attentionCard(payout, showHistory) {
  const id = `p-${payout.tradeNo}`;
  const history = h('div', {});
  const details = h('details', {}, h('summary', {}, 'History'), history);
  details.addEventListener('toggle', async () => {
    if (!details.open || history.dataset.loaded) return;
    history.dataset.loaded = '1';
    say(history, 'Loading…');
    const reply = await call(`/api/payouts/${encodeURIComponent(payout.tradeNo)}`);
    if (missingRoute(reply)) say(history, 'History: not available on this stage.');
    else if (reply.status !== 200) say(history, problemText(reply), 'error');
    else history.replaceChildren(timeline(reply.data.history));
  });
  // Opening fires `toggle`, which loads it.
  details.open = showHistory;
  return h(
    'article',
    { class: 'card', id, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, payout.tradeNo),
    h(
      'p',
      {},
      `${payout.status} · ${kes(payout.amount)} · ${payout.mobile} · created ${time(payout.createdAt)}`,
      payout.flaggedAt ? ` · flagged ${time(payout.flaggedAt)}` : '',
      payout.batchId ? ` · batch ${payout.batchId}` : '',
      payout.paypro?.message ? ` · Paypro: ${payout.paypro.code ?? ''} ${payout.paypro.message}` : '',
    ),
    details,
    resolveForm(payout),
    resendForm(payout, resendUi()),
  );
}

/** What the resend controls (resend-view.js) use of this page: its helpers and the route. */
function resendUi() {
  return {
    h,
    say,
    post: (tradeNo, body) =>
      call(`/api/payouts/${encodeURIComponent(tradeNo)}/resend`, { method: 'POST', body }),
    result: $('attention-result'),
    done: () => loadAttention(),
  };
}

function resolveForm(payout) {
  const id = `resolve-${payout.tradeNo}`;
  const outcome = h('div', { role: 'status' });
  const form = h(
    'form',
    // novalidate: the reason's absence is said in words in the form, not in a browser tooltip.
    { class: 'resolve', 'data-trade-no': payout.tradeNo, novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, `Resolve ${payout.tradeNo}`),
      h(
        'p',
        { class: 'row' },
        h('label', { for: `${id}-to` }, 'Resolve as'),
        h('select', { id: `${id}-to`, name: 'to' }, h('option', {}, 'SUCCEEDED'), h('option', {}, 'FAILED')),
      ),
      h(
        'p',
        {},
        h('label', { for: `${id}-reason` }, 'Reason (required)'),
        h('br'),
        h('textarea', { id: `${id}-reason`, name: 'reason', required: true, rows: 2, maxlength: 500 }),
      ),
      h('button', { type: 'submit' }, 'Resolve'),
      outcome,
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const request = { to: form.elements.to.value, reason: form.elements.reason.value.trim() };
    if (!request.reason) {
      say(outcome, 'A reason is required.', 'error');
      return form.elements.reason.focus();
    }
    await resolve(payout.tradeNo, request, outcome);
  });
  return form;
}

async function resolve(tradeNo, request, outcome) {
  say(outcome, 'Asking Paypro and resolving…');
  const reply = await call(`/api/payouts/${encodeURIComponent(tradeNo)}/resolve`, {
    method: 'POST',
    body: request,
  });
  if (reply.status === 200) return resolved(reply.data);
  if (reply.status === 409 && reply.data?.paypro && !request.force) {
    // Paypro contradicts the operator: say what it answered, and ask before overriding it.
    const confirm = h('button', { type: 'button', class: 'force' }, `Resolve as ${request.to} anyway`);
    const back = h('button', { type: 'button' }, 'Do not resolve');
    confirm.addEventListener('click', () => resolve(tradeNo, { ...request, force: true }, outcome));
    back.addEventListener('click', () => say(outcome, 'Not resolved.'));
    outcome.replaceChildren(
      h(
        'div',
        { class: 'warning', role: 'alert' },
        h('p', {}, h('strong', {}, 'Paypro answered: '), reply.data.paypro),
        h('p', {}, reply.data.detail ?? ''),
        h('p', { class: 'row' }, confirm, back),
      ),
    );
    return confirm.focus();
  }
  say(outcome, `Not resolved: ${problemText(reply)}`, 'error');
}

function resolved(payout) {
  const result = $('attention-result');
  result.replaceChildren(
    h(
      'div',
      { class: 'card', id: 'resolved' },
      h(
        'p',
        { class: 'ok' },
        `Resolved ${payout.tradeNo}: now `,
        h('strong', { class: 'status' }, payout.status),
      ),
      timeline(payout.history),
    ),
  );
  loadAttention();
  result.querySelector('p').setAttribute('tabindex', '-1');
  result.querySelector('p').focus();
}

/** A payout's history, oldest first, as an ordered list. */
function timeline(history = []) {
  return h(
    'ol',
    { class: 'timeline' },
    history.map((entry) =>
      h(
        'li',
        {},
        h('time', { datetime: entry.at }, time(entry.at)),
        ` · ${entry.source}`,
        entry.status ? ` → ${entry.status}` : '',
        entry.code ? ` · ${entry.code}` : '',
        entry.message ? ` ${entry.message}` : '',
        entry.note ? ` · ${entry.note}` : '',
        entry.operator ? ` · by ${entry.operator}` : '',
        entry.reason ? ` · “${entry.reason}”` : '',
      ),
    ),
  );
}

// ---- Batches ----------------------------------------------------------------------------

let batchCursor;
// Paypro's status as Batches last read it: one reading for the whole list and the details opened
// from it. The 3-s refreshes reuse it for as long as Today would (the route counts held payouts).
const payproForBatches = payproReader(() => call('/api/paypro-status'), REFRESH_MS.today);
let payproNow;

async function loadBatches({ quiet = false } = {}) {
  const status = $('batches-status').value;
  const query = new URLSearchParams({ limit: '25' });
  if (status) query.set('status', status);
  if (batchCursor) query.set('cursor', batchCursor);
  const [reply, paypro] = await Promise.all([
    call(`/api/payout-batches?${query}`),
    payproForBatches({ fresh: !quiet }),
  ]);
  payproNow = paypro;
  if (reply.status !== 200)
    return say($('batches-status-line'), `Could not list batches: ${problemText(reply)}`, 'error');
  say($('batches-status-line'), reply.data.batches.length === 0 ? 'No batches.' : '');
  $('batches-when').textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}`;
  keepingFocus(() => $('batches-list').replaceChildren(batchTable(reply.data), pager(reply.data.nextCursor)));
}

/** Re-renders without losing the keyboard's place: focus returns to the element with the same data-key. */
function keepingFocus(render) {
  const key = document.activeElement?.dataset?.key;
  render();
  if (key) document.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

function pager(nextCursor) {
  const buttons = [];
  if (batchCursor) {
    buttons.push(
      h(
        'button',
        {
          type: 'button',
          'data-key': 'first-page',
          onclick: () => {
            batchCursor = undefined;
            loadBatches();
          },
        },
        'First page',
      ),
    );
  }
  if (nextCursor) {
    buttons.push(
      h(
        'button',
        {
          type: 'button',
          'data-key': 'next-page',
          onclick: () => {
            batchCursor = nextCursor;
            loadBatches();
          },
        },
        'Next page',
      ),
    );
  }
  return h('p', { class: 'row' }, buttons);
}

function batchTable(page) {
  return h(
    'table',
    { id: 'batches-table' },
    h('caption', {}, 'Batches, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Batch', 'Status', 'Items', 'Total', 'Created', 'Progress', 'Actions'].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h('tbody', {}, page.batches.map(batchRow)),
  );
}

function batchRow(batch) {
  const { final, percent } = batchProgress(batch);
  const id = batch.batchId;
  const actions = [
    h('button', { type: 'button', 'data-key': `detail-${id}`, onclick: () => showBatch(id) }, 'Details'),
    h(
      'a',
      { href: `/api/payout-batches/${encodeURIComponent(id)}/report.csv`, download: `batch-${id}.csv` },
      'Report CSV',
    ),
  ];
  if (batch.status === 'AWAITING_APPROVAL' || batch.status === 'AWAITING_FUNDS') {
    actions.unshift(
      h(
        'button',
        { type: 'button', 'data-key': `cancel-${id}`, onclick: () => decide(batch, 'cancel') },
        'Cancel…',
      ),
    );
  }
  if (batch.status === 'AWAITING_APPROVAL') {
    actions.unshift(
      h(
        'button',
        { type: 'button', 'data-key': `approve-${id}`, onclick: () => decide(batch, 'approve') },
        'Approve…',
      ),
    );
  }
  return h(
    'tr',
    { 'data-batch-id': id },
    h('th', { scope: 'row' }, id),
    h('td', { class: 'status' }, batch.status, statusNote(batch)),
    h('td', { class: 'num' }, batch.itemCount),
    h('td', { class: 'num' }, kes(batch.totalAmount)),
    h('td', {}, time(batch.createdAt)),
    h(
      'td',
      {},
      h('progress', { max: 100, value: percent, 'aria-label': `Progress of batch ${id}` }),
      ' ',
      h('span', { class: 'progress-text' }, `${percent} % (${final} of ${batch.itemCount} final)`),
    ),
    h('td', {}, h('span', { class: 'row' }, actions)),
  );
}

/** Under a waiting batch's status: until when it awaits approval, why it awaits funds, or that Paypro pauses it. */
function statusNote(batch) {
  const paused = batchPaused(batch, payproNow);
  if (paused) return [h('br'), h('small', { class: 'paused-line' }, paused)];
  if (batch.status === 'AWAITING_APPROVAL' && batch.approvalDeadline) {
    return [h('br'), h('small', {}, `approve by ${time(batch.approvalDeadline)}`)];
  }
  if (batch.status === 'AWAITING_FUNDS' && batch.funds) {
    return [h('br'), h('small', { class: 'funds-line' }, fundsLine(batch.funds))];
  }
  return '';
}

/** The approve or cancel form for one batch, below the list so the list's refresh leaves it alone. */
function decide(batch, action) {
  const target = $('batches-decision');
  const id = 'decision';
  const outcome = h('div', { role: 'status' });
  const required = action === 'cancel';
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h(
      'fieldset',
      {},
      h(
        'legend',
        {},
        `${action === 'approve' ? 'Approve' : 'Cancel'} batch ${batch.batchId} (${batch.itemCount} payouts, ${kes(batch.totalAmount)})`,
      ),
      h(
        'p',
        {},
        h('label', { for: `${id}-reason` }, required ? 'Reason (required)' : 'Reason (optional)'),
        h('br'),
        h('textarea', { id: `${id}-reason`, name: 'reason', rows: 2, required, maxlength: 500 }),
      ),
      h(
        'p',
        { class: 'row' },
        h('button', { type: 'submit' }, action === 'approve' ? 'Approve batch' : 'Cancel batch'),
        h('button', { type: 'button', onclick: () => target.replaceChildren() }, 'Back'),
      ),
      outcome,
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = form.elements.reason.value.trim();
    if (required && !reason) {
      say(outcome, 'A reason is required to cancel a batch.', 'error');
      return form.elements.reason.focus();
    }
    const reply = await call(`/api/payout-batches/${encodeURIComponent(batch.batchId)}/${action}`, {
      method: 'POST',
      ...(reason && { body: { reason } }),
    });
    if (reply.status !== 200) return say(outcome, `Not done: ${problemText(reply)}`, 'error');
    say(outcome, `Batch ${batch.batchId} is now ${reply.data?.status ?? 'updated'}.`, 'ok');
    loadBatches();
  });
  target.replaceChildren(form);
  form.elements.reason.focus();
}

async function showBatch(batchId, cursor) {
  const target = $('batches-detail');
  const query = new URLSearchParams({ limit: '50' });
  if (cursor) query.set('cursor', cursor);
  const reply = await call(`/api/payout-batches/${encodeURIComponent(batchId)}?${query}`);
  if (missingRoute(reply)) return say(target, 'Batch details: not available on this stage.');
  if (reply.status !== 200) return say(target, problemText(reply), 'error');
  const batch = reply.data;
  const { items, nextCursor } = batch;
  const heading = h('h3', { tabindex: '-1' }, `Batch ${batchId}`);
  target.replaceChildren(
    h(
      'div',
      { class: 'card', id: 'batch-detail' },
      heading,
      batchFacts(batch),
      batch.status === 'AWAITING_FUNDS' && batch.funds ? fundsTable(batch.funds) : '',
      batchCounts(batch),
      h(
        'table',
        { id: 'batch-items' },
        h('caption', {}, 'Items'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['#', 'tradeNo', 'Status', 'Amount', 'Mobile', 'Paypro'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          (items ?? []).map((item) =>
            h(
              'tr',
              {},
              h('td', { class: 'num' }, item.index),
              h('td', {}, item.tradeNo),
              h('td', {}, item.status, item.reason ? ` (${item.reason})` : ''),
              h('td', { class: 'num' }, kes(item.amount)),
              h('td', {}, item.mobile),
              h(
                'td',
                {},
                [item.paypro?.code, item.paypro?.message, item.paypro?.serialNumber]
                  .filter(Boolean)
                  .join(' · '),
              ),
            ),
          ),
        ),
      ),
      nextCursor
        ? h('button', { type: 'button', onclick: () => showBatch(batchId, nextCursor) }, 'More items')
        : '',
    ),
  );
  heading.focus();
}

/** What happened to a batch, in one definition list: only the facts it has. */
function batchFacts(batch) {
  const decision = (what, d) =>
    d && `${what} by ${d.by} at ${time(d.at)}${d.reason ? ` (“${d.reason}”)` : ''}`;
  const facts = [
    ['Status', batch.status],
    ['Sending', batchPaused(batch, payproNow)],
    ['Payouts', `${batch.itemCount}, ${kes(batch.totalAmount)}`],
    ['Created', time(batch.createdAt)],
    ['Approve by', batch.status === 'AWAITING_APPROVAL' && time(batch.approvalDeadline)],
    ['Approved', decision('Approved', batch.approval)],
    ['Cancelled', decision('Cancelled', batch.cancellation)],
    ['Rejected', batch.rejection && `${batch.rejection.detail ?? ''} (cap ${batch.rejection.cap ?? ''})`],
    ['Completed', time(batch.completedAt)],
  ].filter(([, value]) => value);
  return h(
    'dl',
    { class: 'facts' },
    facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

/** Why a batch waits for funds: what its last funds check read, and what happens next. */
function fundsTable(funds) {
  const table = h(
    'table',
    { id: 'batch-funds' },
    h('caption', {}, 'Why it waits for funds'),
    h(
      'tbody',
      {},
      // Figures right-aligned as in the float's table; a sentence (why it could not be read) not.
      fundsFigures(funds).map(([label, value]) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, label),
          h('td', { class: value.endsWith(' KES') ? 'num' : undefined }, value),
        ),
      ),
    ),
  );
  return [
    table,
    h(
      'p',
      { class: 'muted' },
      'Nothing of it is recorded or sent. Its funds are checked again every FLOAT_RECHECK_S (300 s unless the ',
      'stage sets it) and it goes on by itself once the float, less the money in flight, covers it; or cancel it.',
    ),
  ];
}

/** Items and amounts by status, from the batch's counts. */
function batchCounts(batch) {
  const counts = batch.counts ?? batch.progress?.counts ?? {};
  const amounts = batch.amounts ?? batch.progress?.amounts ?? {};
  const statuses = Object.keys(counts);
  if (statuses.length === 0) return '';
  return h(
    'table',
    {},
    h('caption', {}, 'Items by status'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Status'),
        h('th', { class: 'num' }, 'Items'),
        h('th', { class: 'num' }, 'Amount'),
      ),
    ),
    h(
      'tbody',
      {},
      statuses.map((s) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, s),
          h('td', { class: 'num' }, counts[s]),
          h('td', { class: 'num' }, kes(amounts[s] ?? 0)),
        ),
      ),
    ),
  );
}

// ---- Find -------------------------------------------------------------------------------

async function findPayout(event) {
  event.preventDefault();
  await showPayout($('find-tradeNo').value.trim());
}

/** Reads one payout and shows it with its history under Find. */
async function showPayout(tradeNo) {
  const reply = await call(`/api/payouts/${encodeURIComponent(tradeNo)}`);
  if (missingRoute(reply)) return say($('find-status'), 'Reading a payout: not available on this stage.');
  if (reply.status !== 200) {
    $('find-result').replaceChildren();
    return say($('find-status'), problemText(reply), 'error');
  }
  const p = reply.data;
  say($('find-status'), `Found ${p.tradeNo}.`);
  $('find-result').replaceChildren(
    h(
      'article',
      { class: 'card', id: 'found-payout' },
      h('h3', {}, p.tradeNo),
      h(
        'p',
        {},
        h('strong', { class: 'status' }, p.status),
        ` · ${kes(p.amount)} · ${p.mobile} · created ${time(p.createdAt)} · updated ${time(p.updatedAt)}`,
        p.batchId ? ` · batch ${p.batchId}` : '',
        p.remark ? ` · “${p.remark}”` : '',
      ),
      p.paypro && Object.keys(p.paypro).length
        ? h('div', {}, h('h4', {}, 'Paypro'), valueTable(p.paypro))
        : '',
      h('h4', {}, 'History'),
      timeline(p.history),
    ),
  );
}

async function findReceipt(event) {
  event.preventDefault();
  const code = $('find-receipt-code').value.trim();
  const reply = await call(`/api/mpesa-receipts/${encodeURIComponent(code)}`);
  $('find-result').replaceChildren();
  if (missingRoute(reply)) return say($('find-status'), 'M-Pesa receipts: not available on this stage.');
  if (reply.status !== 200) return say($('find-status'), problemText(reply), 'error');
  const { paypro, payout } = reply.data;
  say(
    $('find-status'),
    `Receipt ${reply.data.code}: Paypro says ${paypro.outcome} (${paypro.status} ${paypro.message}).`,
  );
  $('find-result').replaceChildren(
    h(
      'article',
      { class: 'card', id: 'found-receipt' },
      h('h3', {}, `M-Pesa receipt ${reply.data.code}`),
      h('h4', {}, 'Paypro'),
      valueTable(paypro),
      h('h4', {}, 'Payout'),
      payout
        ? h(
            'p',
            {},
            h('strong', { class: 'status' }, payout.status),
            ` · ${kes(payout.amount)} · ${payout.mobile} · `,
            h(
              'button',
              { type: 'button', id: 'receipt-payout', onclick: () => showPayout(payout.tradeNo) },
              `Open payout ${payout.tradeNo}`,
            ),
          )
        : h(
            'p',
            { class: 'muted' },
            reply.data.note ??
              "No payout of ours stores Paypro's reference for this receipt, and Paypro's payout query names none of ours of its amount (operator guide, “M-Pesa receipts”).",
          ),
    ),
  );
}

// ---- Start ------------------------------------------------------------------------------

async function start() {
  const info = await call('/console/info');
  $('stage').textContent =
    info.status === 200
      ? `Stage: ${info.data.stage} (${info.data.mode === 'local' ? 'npm start' : 'deployed, calls signed with your AWS credentials'})`
      : 'The console server did not answer.';
  $('today-refresh').addEventListener('click', () => loadToday());
  $('attention-refresh').addEventListener('click', () => loadAttention());
  $('attention-age').addEventListener('change', () => loadAttention());
  $('batches-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    batchCursor = undefined;
    loadBatches();
  });
  $('find-payout').addEventListener('submit', findPayout);
  $('find-receipt').addEventListener('submit', findReceipt);
  // Refreshing a hidden tab would only cost the stage calls.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return clearInterval(timer);
    // Back on the tab: catch up at once, leaving what the operator was typing alone.
    load(current, { quiet: true });
    refreshing();
  });
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  show(location.hash.slice(1) || 'today', { focus: false });
}

start();
