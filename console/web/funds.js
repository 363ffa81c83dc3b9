// @ts-check
// Why a batch waits in AWAITING_FUNDS, in words and figures. Kept apart from the views (which touch
// the page) so what an operator reads can be tested without a browser.
import { kes, time } from './format.js';

/**
 * What is missing: the batch's total less what the float leaves free after the money in flight
 * (the funds check's own rule); undefined when the balance could not be read.
 * @param {import('./funds').BatchFundsInput} funds
 */
function shortBy(funds) {
  if (funds.available === undefined) return undefined;
  return funds.needed - (funds.available - funds.inFlight);
}

/**
 * The last funds check of a waiting batch as label and value pairs: available, in flight, needed,
 * short by and when it was checked; or, when Paypro's balance could not be read, why not.
 * @param {import('./funds').BatchFundsInput} funds
 */
export function fundsFigures(funds) {
  const short = shortBy(funds);
  return [
    [
      'Available at Paypro',
      short === undefined
        ? `could not be read: ${funds.readError ?? 'no reason given'}`
        : kes(funds.available),
    ],
    ['In flight', kes(funds.inFlight)],
    ['Needed (the batch total)', kes(funds.needed)],
    short === undefined
      ? undefined
      : ['Short by', short > 0 ? kes(short) : 'nothing now: it goes on at its next check'],
    ['Checked at', time(funds.checkedAt)],
  ].filter(Boolean);
}

/**
 * The same check in one line, for the batches list.
 * @param {import('./funds').BatchFundsInput} funds
 */
export function fundsLine(funds) {
  const short = shortBy(funds);
  const checked = `checked ${time(funds.checkedAt)}`;
  if (short === undefined) return `balance could not be read (${checked})`;
  return short > 0
    ? `short by ${kes(short)} (${checked})`
    : `covered (${checked}); goes on at its next check`;
}
