// @ts-check
// A batch's details under the Batches list: what happened to it, why it waits for funds, its items
// by status, and its items a page at a time.
import { kes, time } from './format.js';
import { fundsFigures } from './funds.js';
import { $, call, h, missingRoute, problemText, say } from './page.js';
import { batchPaused } from './paypro-status.js';

// The shapes of the API's replies, from the contract's generated client.
/** @typedef {import('../../contract/client/api').components['schemas']} Schemas */
/** @typedef {Schemas['BatchFunds']} BatchFunds */
/** @typedef {Schemas['BatchPage']} BatchPage */
/** @typedef {Schemas['PayproStatus']} PayproStatus */

/**
 * Shows one batch under the list: its facts, why it waits for funds, its counts and a page of items.
 * @param {string} batchId
 * @param {() => PayproStatus | undefined} paypro Paypro's status as the Batches view last read it
 * @param {string} [cursor] the page of items to show
 */
export async function showBatch(batchId, paypro, cursor) {
  const target = $('batches-detail');
  const query = new URLSearchParams({ limit: '50' });
  if (cursor) query.set('cursor', cursor);
  const reply = await call(`/api/payout-batches/${encodeURIComponent(batchId)}?${query}`);
  if (missingRoute(reply)) return say(target, 'Batch details: not available on this stage.');
  if (reply.status !== 200) return say(target, problemText(reply), 'error');
  /** @type {BatchPage} */
  const batch = reply.data;
  const { items, nextCursor } = batch;
  const heading = h('h3', { tabindex: '-1' }, `Batch ${batchId}`);
  target.replaceChildren(
    h(
      'div',
      { class: 'card', id: 'batch-detail' },
      heading,
      batchFacts(batch, paypro()),
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
        ? h('button', { type: 'button', onclick: () => showBatch(batchId, paypro, nextCursor) }, 'More items')
        : '',
    ),
  );
  heading.focus();
}

/**
 * What happened to a batch, in one definition list: only the facts it has.
 * @param {BatchPage} batch
 * @param {PayproStatus | undefined} payproNow
 */
function batchFacts(batch, payproNow) {
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

/**
 * Why a batch waits for funds: what its last funds check read, and what happens next.
 * @param {BatchFunds} funds
 */
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

/**
 * Items and amounts by status, from the batch's counts.
 * @param {BatchPage} batch
 */
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
