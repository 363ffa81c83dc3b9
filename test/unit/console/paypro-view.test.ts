import { describe, expect, it } from 'vitest';
import { showPayproBanner } from '../../../console/web/paypro-view.js';

/** A stand-in for the page's elements: enough of the DOM for the banner, with no browser. */
interface FakeNode {
  tag: string;
  attrs: Record<string, unknown>;
  children: Array<FakeNode | string>;
  replaceChildren(...children: Array<FakeNode | string>): void;
}

function h(tag: string, attrs: Record<string, unknown> = {}, ...children: unknown[]): FakeNode {
  return {
    tag,
    attrs,
    children: (children.flat(Number.POSITIVE_INFINITY) as Array<FakeNode | string>).filter(Boolean),
    replaceChildren(...next) {
      this.children = next;
    },
  };
}

const text = (node: FakeNode | string): string =>
  typeof node === 'string' ? node : node.children.map(text).join(' ');

const find = (node: FakeNode | string, className: string): FakeNode | undefined => {
  if (typeof node === 'string') return undefined;
  if (
    String(node.attrs.class ?? '')
      .split(' ')
      .includes(className)
  )
    return node;
  for (const child of node.children) {
    const found = find(child, className);
    if (found) return found;
  }
  return undefined;
};

/** Today's status region, kept between refreshes as the page keeps it. */
function region() {
  const target = {
    dataset: {} as Record<string, string | undefined>,
    children: [] as Array<FakeNode | string>,
    replaceChildren(...next: Array<FakeNode | string>) {
      target.children = next;
    },
    querySelector: (selector: string) =>
      target.children.map((child) => find(child, selector.slice(1))).find(Boolean) ?? null,
  };
  return target;
}

const ui = {
  h,
  missingRoute: (reply: { status: number; type: string }) =>
    reply.status === 404 && !reply.type.startsWith('application/problem+json'),
  problemText: (reply: { data?: unknown }) => String((reply.data as { detail?: string }).detail),
};

const status = (over: Record<string, unknown>) => ({
  status: 200,
  type: 'application/json',
  data: {
    availability: 'unavailable',
    since: '2026-11-25T09:00:02.000Z',
    failure: 'HTTP 503',
    lastFailure: 'HTTP 503',
    nextProbeAt: '2026-11-25T09:04:17.000Z',
    restoredAt: null,
    rampUntil: null,
    held: { payouts: 958, amount: 574800, batches: 1 },
    readAt: '2026-11-25T09:04:09.310Z',
    ...over,
  },
});

describe("Today's Paypro banner on the page", () => {
  it('draws a warning with the headline, and on a refresh of the same outage changes only its figures', () => {
    // Prepare
    const target = region();
    // Act: two refreshes of one outage, fewer payouts held at the second.
    showPayproBanner(target, status({}), ui);
    const banner = target.children[0] as FakeNode;
    showPayproBanner(target, status({ held: { payouts: 400, amount: 240000, batches: 1 } }), ui);
    // Assess: the same banner element (a screen reader hears the headline once), new figures in it.
    expect(target.children[0]).toBe(banner);
    expect(banner.attrs).toMatchObject({
      class: 'warning paypro-banner',
      'data-availability': 'unavailable',
    });
    expect(text(banner)).toContain(
      'Paypro unavailable since 25/11/2026, 12:00:02: nothing is being sent to it.',
    );
    expect(text(banner)).toContain('Held: 400 payouts, 240,000 KES, from 1 batch.');
    expect(find(banner, 'paypro-details')?.attrs['aria-live']).toBe('off');
  });

  it('turns into a calmer notice once Paypro is back, and goes away once everything went out', () => {
    // Prepare
    const target = region();
    showPayproBanner(target, status({}), ui);
    // Act
    showPayproBanner(
      target,
      status({
        availability: 'resuming',
        restoredAt: '2026-11-25T09:06:40.000Z',
        rampUntil: '2026-11-25T09:07:40.000Z',
        nextProbeAt: null,
      }),
      ui,
    );
    const notice = target.children[0] as FakeNode;
    showPayproBanner(target, status({ availability: 'available', since: null, held: null }), ui);
    // Assess
    expect(notice.attrs).toMatchObject({ class: 'notice paypro-banner', 'data-availability': 'resuming' });
    expect(text(notice)).toContain('Paypro is back since 25/11/2026, 12:06:40');
    expect(target.children).toEqual([]);
  });

  it('says quietly that the stage has no such route, or why the status could not be read', () => {
    // Prepare
    const missing = region();
    const failing = region();
    // Act
    showPayproBanner(missing, { status: 404, type: 'application/json', data: { message: 'Not Found' } }, ui);
    showPayproBanner(
      failing,
      { status: 503, type: 'application/problem+json', data: { detail: 'The store did not answer.' } },
      ui,
    );
    // Assess
    expect(missing.children.map(text)).toEqual(["Paypro's availability: not available on this stage."]);
    expect((missing.children[0] as FakeNode).attrs.class).toBe('muted');
    expect(failing.children.map(text)).toEqual([
      "Paypro's availability could not be read: The store did not answer.",
    ]);
  });
});
