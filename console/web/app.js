// @ts-check
// The operator console's page: its entry. It wires the views (one module each) to the page's
// controls and to the address's #view, and refreshes the one shown. DOM is built with textContent
// only (never innerHTML), so nothing the API returns can become markup (see page.js).
import { loadAttention } from './attention.js';
import { loadBatches, resetBatchCursor } from './batches.js';
import { findPayout, findReceipt } from './find.js';
import { $, call, REFRESH_MS } from './page.js';
import { loadReports } from './reports.js';
import { loadToday } from './today.js';

// ---- Views and navigation ---------------------------------------------------------------

const VIEWS = ['today', 'attention', 'batches', 'find', 'reports'];
let current;
let timer;

/** Shows one view (Today for an unknown name), loads it and starts its refresh. */
function show(view, { focus = true } = {}) {
  current = VIEWS.includes(view) ? view : 'today';
  for (const section of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-view]'))) {
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

/** Loads one view's data (`quiet`: a refresh, which leaves Needs attention's forms alone). */
function load(view, options = {}) {
  if (view === 'today') return loadToday();
  if (view === 'attention' && !options.quiet) return loadAttention();
  if (view === 'batches') return loadBatches(options);
  if (view === 'reports') return loadReports();
}

// ---- Start ------------------------------------------------------------------------------

/** Wires the page's controls and shows the view the address names. */
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
    resetBatchCursor();
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
