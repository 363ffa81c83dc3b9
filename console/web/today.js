// @ts-check
// The Today view: the day's totals and hourly chart, the float and caps, batches awaiting funds,
// and Paypro's availability banner.
import { resetBatchCursor } from './batches.js';
import { hourlyChart } from './chart.js';
import { count, kes, time } from './format.js';
import { $, call, field, h, kenyaDate, missingRoute, problemText, say } from './page.js';
import { showPayproBanner } from './paypro-view.js';

// The shapes of the API's replies, from the contract's generated client.
/** @typedef {import('../../contract/client/api').components['schemas']} Schemas */
/** @typedef {Schemas['AdminBalance']} AdminBalance */
/** @typedef {Schemas['BatchListPage']} BatchListPage */
/** @typedef {Schemas['CapsToday']} CapsToday */

const STATUSES = ['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED'];
// Batches awaiting funds Today counts at most (one page): more only says "or more".
const AWAITING_FUNDS_LISTED = 100;

/** Reads and shows the Today view. */
export async function loadToday() {
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
  /** @type {BatchListPage} */
  const { batches, nextCursor } = reply.data;
  if (batches.length === 0) return say($('today-funds'), 'No batch waits for funds.');
  const needed = batches.reduce((sum, batch) => sum + batch.totalAmount, 0);
  const link = h(
    'a',
    {
      href: '#batches',
      // Set before the hash changes, so the Batches view opens on them.
      onclick: () => {
        field('batches-status').value = 'AWAITING_FUNDS';
        resetBatchCursor();
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

/**
 * Paypro's balance as read for this view, and what is in flight against it.
 * @param {AdminBalance} balance
 */
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

/**
 * Today's caps against their limits; a cap the stage does not set says so.
 * @param {CapsToday} caps
 */
function capsTable(caps) {
  /** @type {Array<[string, CapsToday['dailyAmount'], (n: number) => string]>} */
  const dayCaps = [
    ['Day total, amount', caps.dailyAmount, kes],
    ['Day total, count', caps.dailyCount, count],
  ];
  const day = dayCaps.map(([label, cap, unit]) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, label),
      cap
        ? [unit(cap.limit), unit(cap.used), unit(cap.remaining)].map((v) => h('td', { class: 'num' }, v))
        : h('td', { colspan: 3 }, 'not set'),
    ),
  );
  /** @type {Array<[string, CapsToday['recipientDailyAmount'], (n: number) => string]>} */
  const recipientCaps = [
    ['Per recipient, amount', caps.recipientDailyAmount, kes],
    ['Per recipient, count', caps.recipientDailyCount, count],
  ];
  const perRecipient = recipientCaps.map(([label, cap, unit]) =>
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
