// @ts-check
// The Find view: one payout by tradeNo, or an M-Pesa receipt and the payout it belongs to.
import { kes, time } from './format.js';
import { $, call, field, h, missingRoute, problemText, say, timeline, valueTable } from './page.js';

// The shapes of the API's replies, from the contract's generated client.
/** @typedef {import('../../contract/client/api').components['schemas']} Schemas */
/** @typedef {Schemas['Payout']} Payout */
/** @typedef {Schemas['ReceiptLookup']} ReceiptLookup */

/** Shows the payout named in the Find form. */
export async function findPayout(event) {
  event.preventDefault();
  await showPayout(field('find-tradeNo').value.trim());
}

/** Reads one payout and shows it with its history under Find. */
async function showPayout(tradeNo) {
  const reply = await call(`/api/payouts/${encodeURIComponent(tradeNo)}`);
  if (missingRoute(reply)) return say($('find-status'), 'Reading a payout: not available on this stage.');
  if (reply.status !== 200) {
    $('find-result').replaceChildren();
    return say($('find-status'), problemText(reply), 'error');
  }
  /** @type {Payout} */
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

/** Shows the M-Pesa receipt named in the Find form, and the payout it belongs to. */
export async function findReceipt(event) {
  event.preventDefault();
  const code = field('find-receipt-code').value.trim();
  const reply = await call(`/api/mpesa-receipts/${encodeURIComponent(code)}`);
  $('find-result').replaceChildren();
  if (missingRoute(reply)) return say($('find-status'), 'M-Pesa receipts: not available on this stage.');
  if (reply.status !== 200) return say($('find-status'), problemText(reply), 'error');
  /** @type {ReceiptLookup} */
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
