// @ts-check
// What the console says of Paypro's availability (GET /admin/paypro-status, PayproStatus in
// openapi.json): Today's banner while Paypro is unavailable or held work is resuming, and the note
// on a batch that waits for it. Kept apart from the views (which touch the page) so what an
// operator reads can be tested without a browser.
import { count, kes, time } from './format.js';

/** Batch statuses whose items are being recorded or sent: the ones an open breaker pauses. */
const SENDING = ['RECORDING', 'SENDING'];
/**
 * paypro-breaker runs every minute and probes within its run, so a probe may come up to a run
 * after it was due; well past that, the prober itself is likely failing.
 */
const PROBE_LATE_MS = 2 * 60_000;

/** Said on Today when the stage has no GET /admin/paypro-status. */
export const STATUS_MISSING = "Paypro's availability: not available on this stage.";

/** Said on Today when the route answered with a problem; the page goes on without the banner. */
export const statusUnreadable = (detail) => `Paypro's availability could not be read: ${detail}`;

/** "n payouts" with a grouped count, "1 payout" for one. */
const payouts = (n) => (n === 1 ? '1 payout' : `${count(n)} payouts`);

/**
 * The work held, in one line: payouts, shillings, and how many batches they belong to.
 * @param {import('./paypro-status').HeldWorkInput | null} held
 * @param {string} [lead]
 */
export function heldLine(held, lead = 'Held') {
  if (!held) return `${lead}: not read.`;
  if (held.payouts === 0) return `${lead}: no recorded payout is waiting.`;
  const batches =
    held.batches === 0
      ? 'none from a batch'
      : `from ${held.batches === 1 ? '1 batch' : `${count(held.batches)} batches`}`;
  return `${lead}: ${payouts(held.payouts)}, ${kes(held.amount)}, ${batches}.`;
}

/** When paypro-breaker tries Paypro again, or since when that is due (late: the prober may be failing). */
export function probeLine(status) {
  if (!status.nextProbeAt) return 'Next probe: not scheduled yet; paypro-breaker runs every minute.';
  const late = Date.parse(status.readAt) - Date.parse(status.nextProbeAt);
  if (late <= 0) return `Next probe: ${time(status.nextProbeAt)}.`;
  if (late <= PROBE_LATE_MS)
    return `Next probe: due since ${time(status.nextProbeAt)}, at paypro-breaker's next run (every minute).`;
  return (
    `Next probe: due since ${time(status.nextProbeAt)} and not made: paypro-breaker may be failing ` +
    '(its log group; alarm …-paypro-breaker-errors).'
  );
}

/** The failure that opened the breaker, and the latest one seen when it differs. */
function failureLine(status) {
  if (!status.failure) return undefined;
  const latest =
    status.lastFailure && status.lastFailure !== status.failure ? `; latest: ${status.lastFailure}` : '';
  return `Failure: ${status.failure}${latest}.`;
}

/**
 * Today's banner for a PayproStatus: its kind (`unavailable`, a warning; `resuming`, a calmer
 * notice), a headline and the lines under it; undefined while Paypro is available.
 */
export function payproBanner(status) {
  if (status?.availability === 'unavailable') {
    return {
      kind: 'unavailable',
      headline: `Paypro unavailable since ${time(status.since)}: nothing is being sent to it.`,
      lines: [
        heldLine(status.held),
        'Nothing is lost: single payouts stay PENDING and batch items wait in their queue; once Paypro ' +
          'answers again they are sent by themselves, each once, at a ramp. Payouts sent just before it ' +
          'opened are not counted here: the reconciler settles them.',
        failureLine(status),
        probeLine(status),
        'What to do: usually nothing. Do not resend or resolve held payouts by hand; tell whoever waits ' +
          'for a payroll that it is held, not lost (alarms runbook, “Paypro unavailable”).',
      ].filter(Boolean),
    };
  }
  if (status?.availability === 'resuming') {
    return {
      kind: 'resuming',
      headline:
        `Paypro is back since ${time(status.restoredAt)}; held payouts are going out at a ramp ` +
        `until ${time(status.rampUntil)}.`,
      lines: [
        status.since ? `It was unavailable from ${time(status.since)}.` : undefined,
        heldLine(status.held, 'Still waiting'),
        'Nothing to do: they go out by themselves.',
      ].filter(Boolean),
    };
  }
  return undefined;
}

/** A batch's items not yet past PENDING (not recorded, or recorded and not yet taken by Paypro). */
function itemsToSend(batch) {
  const counts = batch.counts ?? batch.progress?.counts;
  if (!counts) return batch.itemCount;
  const past = Object.entries(counts).reduce((sum, [status, n]) => (status === 'PENDING' ? sum : sum + n), 0);
  return batch.itemCount - past;
}

/**
 * "paused: Paypro unavailable since …" for a batch recording or sending items while Paypro is
 * unavailable; empty otherwise (the status unread included: no note rather than a guess).
 * @param {import('./paypro-status').BatchPausedInput} batch
 * @param {import('./paypro-status').PayproStatusInput | undefined} status
 */
export function batchPaused(batch, status) {
  if (status?.availability !== 'unavailable') return '';
  if (!SENDING.includes(batch.status) || itemsToSend(batch) <= 0) return '';
  return `paused: Paypro unavailable since ${time(status.since)}`;
}

/**
 * Reads Paypro's status for a view that reloads often (Batches, every few seconds): afresh when
 * asked (the operator opened or filtered the view), else at most once per `maxAgeMs`, since the
 * route counts the held payouts on every read. Resolves undefined when it cannot be read.
 */
export function payproReader(read, maxAgeMs, now = Date.now) {
  let last;
  let readAt = Number.NEGATIVE_INFINITY;
  return async ({ fresh = false } = {}) => {
    if (fresh || now() - readAt >= maxAgeMs) {
      const reply = await read();
      last = reply.status === 200 ? reply.data : undefined;
      readAt = now();
    }
    return last;
  };
}
