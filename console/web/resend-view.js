// @ts-check
// The "Verify and resend" controls of Needs attention: one flagged payout's form, and the offer to
// resend every flagged one after a confirmation that states their count and amount. The page's own
// helpers come in `ui` (h builds elements with textContent only, say writes a status line, post
// calls the route, result is where a bulk run reports, done reloads the list), so this file adds
// no way of writing markup. What the words are is in resend.js, tested without a browser.
import { bulkQuestion, canResend, outcomeSummary, resendAll, resendable, resendOutcome } from './resend.js';

/** The style of an outcome's line: resent is good news, Paypro knowing it or a final status a warning. */
const STYLE = { resent: 'ok', known: 'warning', final: 'warning', failed: 'error' };

/** A reason box: what the operator checked, required, kept in each payout's history. */
function reasonField(h, id) {
  return h(
    'p',
    {},
    h('label', { for: id }, 'What you checked with Paypro (required)'),
    h('br'),
    h('textarea', { id, name: 'reason', required: true, rows: 2, maxlength: 500 }),
  );
}

/** The form under a flagged PENDING payout's card; nothing for any other payout. */
export function resendForm(payout, ui) {
  if (!canResend(payout)) return '';
  const { h, say } = ui;
  const outcome = h('div', { role: 'status' });
  const form = h(
    'form',
    // novalidate: a missing reason is said in words in the form, not in a browser tooltip.
    { class: 'resend', 'data-trade-no': payout.tradeNo, novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, `Verify and resend ${payout.tradeNo}`),
      h(
        'p',
        { class: 'muted' },
        "Paypro's query is asked first: it is sent again, with the same tradeNo, only if Paypro does not know it.",
      ),
      reasonField(h, `resend-${payout.tradeNo}-reason`),
      h('button', { type: 'submit' }, 'Verify and resend'),
      outcome,
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = form.elements.reason.value.trim();
    if (!reason) {
      say(outcome, 'A reason is required.', 'error');
      return form.elements.reason.focus();
    }
    say(outcome, 'Asking Paypro, then resending…');
    const result = resendOutcome(await ui.post(payout.tradeNo, { reason }));
    say(outcome, `${payout.tradeNo}: ${result.text}`, STYLE[result.kind]);
  });
  return form;
}

/** Above the list: resend every flagged PENDING payout, once the operator confirmed how many and how much. */
export function bulkResend(payouts, ui) {
  const selection = resendable(payouts);
  if (selection.count === 0) return '';
  const { h, say } = ui;
  const panel = h('div', { class: 'card', id: 'bulk-resend' });
  const offer = () =>
    panel.replaceChildren(
      h(
        'button',
        { type: 'button', id: 'bulk-resend-open', onclick: () => confirm() },
        `Verify and resend all flagged (${selection.count})…`,
      ),
    );
  const confirm = () => {
    const status = h('div', { role: 'status' });
    const form = h(
      'form',
      { novalidate: true },
      h(
        'fieldset',
        {},
        h('legend', {}, 'Verify and resend all flagged payouts'),
        h('p', { class: 'warning', id: 'bulk-resend-question' }, bulkQuestion(selection)),
        reasonField(h, 'bulk-resend-reason'),
        h(
          'p',
          { class: 'row' },
          h('button', { type: 'submit' }, `Resend ${selection.count}`),
          h('button', { type: 'button', onclick: offer }, 'Do not resend'),
        ),
        status,
      ),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const reason = form.elements.reason.value.trim();
      if (!reason) {
        say(status, 'A reason is required.', 'error');
        return form.elements.reason.focus();
      }
      for (const button of form.querySelectorAll('button')) button.disabled = true;
      const lines = h('ol', { id: 'bulk-resend-outcomes' });
      const heading = h('p', { tabindex: '-1' }, `Resending ${selection.count} flagged payouts…`);
      ui.result.replaceChildren(h('div', { class: 'card' }, heading, lines));
      const outcomes = await resendAll(selection.payouts, reason, ui.post, (o) =>
        lines.append(h('li', { class: STYLE[o.kind] }, `${o.tradeNo}: ${o.text}`)),
      );
      heading.textContent = `Done: ${outcomeSummary(outcomes)}.`;
      heading.focus();
      ui.done();
    });
    panel.replaceChildren(form);
    form.elements.reason.focus();
  };
  offer();
  return panel;
}
