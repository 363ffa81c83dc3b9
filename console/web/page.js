// @ts-check
// What every view of the console's page shares: building DOM (textContent only, never innerHTML),
// calling this page's own server, and saying what happened. Every call goes to that server, which
// adds the operator's authentication; nothing secret is ever here.
import { time } from './format.js';

// The shapes of the API's replies, from the contract's generated client.
/** @typedef {import('../../contract/client/api').components['schemas']} Schemas */
/** @typedef {Schemas['HistoryEntry']} HistoryEntry */

/**
 * What `call` answers: the HTTP status (0 if the server did not answer), the content type, and the
 * body, parsed if JSON; its shape is the route's, typed where it is read.
 * @typedef {{ status: number, type: string, data: any }} Reply
 */

const KENYA_OFFSET_MS = 3 * 60 * 60 * 1000;
// Today reads the whole day's report: every half minute is plenty; batches move by the second.
export const REFRESH_MS = { today: 30_000, batches: 3_000 };

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** The form control with this id, whose `value` is what the operator chose. */
export const field = (id) =>
  /** @type {HTMLInputElement | HTMLSelectElement} */ (document.getElementById(id));

/** Sets one attribute of `h`: an `on…` function becomes a listener, `true` an empty attribute. */
function applyAttribute(node, name, value) {
  if (value === undefined || value === false || value === null) return;
  if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
  else if (value === true) node.setAttribute(name, '');
  else node.setAttribute(name, String(value));
}

/** An element with attributes (`on…` functions become listeners) and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) applyAttribute(node, name, value);
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** The Kenya day (UTC+3) of an instant, YYYY-MM-DD. */
export const kenyaDate = (ms = Date.now()) => new Date(ms + KENYA_OFFSET_MS).toISOString().slice(0, 10);

/**
 * Calls this console's server; the reply's status, content type and parsed body.
 * @param {string} path
 * @param {{ method?: 'GET' | 'POST', body?: unknown }} [options]
 * @returns {Promise<Reply>}
 */
export async function call(path, { method = 'GET', body } = {}) {
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
export const missingRoute = (reply) =>
  (reply.status === 403 || reply.status === 404) && !reply.type.startsWith('application/problem+json');

/** What went wrong, in words: the problem's detail and each field problem. */
export function problemText(reply) {
  const data = reply.data;
  if (data && typeof data === 'object') {
    const fields = Array.isArray(data.errors) ? data.errors.map((e) => `${e.field} ${e.message}`) : [];
    const main = data.detail ?? data.message ?? data.title ?? `HTTP ${reply.status}`;
    return [main, ...fields].join('; ');
  }
  return `HTTP ${reply.status}${typeof data === 'string' && data ? `: ${data.slice(0, 300)}` : ''}`;
}

/** Replaces what `target` shows with one line of text (nothing if `text` is empty), styled as `kind`. */
export function say(target, text, kind = 'muted') {
  target.replaceChildren(text ? h('p', { class: kind }, text) : '');
}

/** Any JSON value as nested tables: for replies whose shape this page does not know in advance. */
export function valueTable(value) {
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

/**
 * A payout's history, oldest first, as an ordered list.
 * @param {HistoryEntry[]} [history]
 */
export function timeline(history = []) {
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
