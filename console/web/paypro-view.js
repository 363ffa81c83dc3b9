// @ts-check
// Today's Paypro banner, drawn from a reply of GET /api/paypro-status into the view's status region.
// The page's own helpers come in `ui` (h builds elements with textContent only, missingRoute and
// problemText read a reply), so this file adds no way of writing markup. The words are in
// paypro-status.js, tested without a browser.
import { payproBanner, STATUS_MISSING, statusUnreadable } from './paypro-status.js';

/** The banner's style: an outage warns; resuming is good news still under way. */
const STYLE = { unavailable: 'warning', resuming: 'notice' };

/**
 * Shows Paypro's availability in `target` (a role="status" region that stays in the page): the
 * banner while unavailable or resuming, nothing while available, a quiet line when unreadable.
 */
export function showPayproBanner(target, reply, ui) {
  const { h } = ui;
  const quiet = (text) => {
    delete target.dataset.headline;
    target.replaceChildren(h('p', { class: 'muted' }, text));
  };
  if (ui.missingRoute(reply)) return quiet(STATUS_MISSING);
  if (reply.status !== 200) return quiet(statusUnreadable(ui.problemText(reply)));
  const banner = payproBanner(reply.data);
  if (!banner) {
    delete target.dataset.headline;
    return target.replaceChildren();
  }
  const details = banner.lines.map((line) => h('p', {}, line));
  const previous = target.querySelector('.paypro-details');
  if (target.dataset.headline === banner.headline && previous) {
    // Same outage, same headline: only the figures move (held payouts, next probe). They are kept
    // out of the live region's announcements, or a screen reader would repeat it every refresh.
    return previous.replaceChildren(...details);
  }
  target.dataset.headline = banner.headline;
  target.replaceChildren(
    h(
      'div',
      { class: `${STYLE[banner.kind]} paypro-banner`, id: 'paypro-banner', 'data-availability': banner.kind },
      h('p', {}, h('strong', {}, banner.headline)),
      h('div', { class: 'paypro-details', 'aria-live': 'off' }, details),
    ),
  );
}
