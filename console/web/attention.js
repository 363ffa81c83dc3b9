// @ts-check
// The Needs attention view: open payouts that are flagged or old, each with its history, a resolve
// form and the resend controls.
import { kes, time } from './format.js';
import { $, call, field, h, missingRoute, problemText, say, timeline } from './page.js';
import { bulkResend, resendForm } from './resend-view.js';

// The shapes of the API's replies, from the contract's generated client.
/** @typedef {import('../../contract/client/api').components['schemas']} Schemas */
/** @typedef {Schemas['AdminPayoutLine']} AdminPayoutLine */
/** @typedef {Schemas['Payout']} Payout */
/** @typedef {Schemas['ResolveRequest']} ResolveRequest */

// Histories read at once under Needs attention; the others when opened, so a long list stays cheap.
const HISTORIES_SHOWN = 10;

/** Lists the payouts that need attention, with their forms. */
export async function loadAttention() {
  const minutes = Number(field('attention-age').value);
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

/**
 * One card per payout needing attention; its history (one call each) is open on the first few only.
 * @param {AdminPayoutLine} payout
 * @param {boolean} showHistory
 */
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

/**
 * The form that resolves an open payout as SUCCEEDED or FAILED, with a reason.
 * @param {AdminPayoutLine} payout
 */
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

/**
 * Asks the server to resolve; if Paypro contradicts the operator, asks before forcing it.
 * @param {string} tradeNo
 * @param {ResolveRequest} request
 * @param {HTMLElement} outcome
 */
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

/**
 * Shows a resolved payout and its history, and lists again what needs attention.
 * @param {Payout} payout
 */
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
