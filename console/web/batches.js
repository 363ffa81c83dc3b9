// @ts-check
// The Batches view: the list (refreshed every few seconds), its pages, and the approve and cancel
// forms; a batch's details are batch-detail.js.
import { showBatch } from './batch-detail.js';
import { batchDecisions } from './decisions.js';
import { kes, time } from './format.js';
import { fundsLine } from './funds.js';
import { $, call, field, h, problemText, REFRESH_MS, say } from './page.js';
import { batchPaused, payproReader } from './paypro-status.js';
import { batchProgress } from './progress.js';

// The shapes of the API's replies, from the contract's generated client.
/** @typedef {import('../../contract/client/api').components['schemas']} Schemas */
/** @typedef {Schemas['BatchListPage']} BatchListPage */
/** @typedef {Schemas['BatchSummary']} BatchSummary */

let batchCursor;
// Paypro's status as Batches last read it: one reading for the whole list and the details opened
// from it. The 3-s refreshes reuse it for as long as Today would (the route counts held payouts).
const payproForBatches = payproReader(() => call('/api/paypro-status'), REFRESH_MS.today);
let payproNow;

/** The next listing starts from the first page. */
export function resetBatchCursor() {
  batchCursor = undefined;
}

/** Lists the batches (`quiet`: a refresh, which may reuse Paypro's last status). */
export async function loadBatches({ quiet = false } = {}) {
  const status = field('batches-status').value;
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
  const key = /** @type {HTMLElement | null} */ (document.activeElement)?.dataset?.key;
  render();
  if (key)
    /** @type {HTMLElement | null} */ (document.querySelector(`[data-key="${CSS.escape(key)}"]`))?.focus();
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

/**
 * One page of batches as a table.
 * @param {BatchListPage} page
 */
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

/**
 * One batch's row: its status, progress and what the operator may do.
 * @param {BatchSummary} batch
 */
function batchRow(batch) {
  const { final, percent } = batchProgress(batch);
  const id = batch.batchId;
  const actions = [
    h(
      'button',
      { type: 'button', 'data-key': `detail-${id}`, onclick: () => showBatch(id, () => payproNow) },
      'Details',
    ),
    h(
      'a',
      { href: `/api/payout-batches/${encodeURIComponent(id)}/report.csv`, download: `batch-${id}.csv` },
      'Report CSV',
    ),
  ];
  const labels = { approve: 'Approve…', cancel: 'Cancel…' };
  actions.unshift(
    ...batchDecisions(batch.status).map((action) =>
      h(
        'button',
        { type: 'button', 'data-key': `${action}-${id}`, onclick: () => decide(batch, action) },
        labels[action],
      ),
    ),
  );
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

/**
 * Under a waiting batch's status: until when it awaits approval, why it awaits funds, or that Paypro pauses it.
 * @param {BatchSummary} batch
 */
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

/**
 * The approve or cancel form for one batch, below the list so the list's refresh leaves it alone.
 * @param {BatchSummary} batch
 * @param {'approve' | 'cancel'} action
 */
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
