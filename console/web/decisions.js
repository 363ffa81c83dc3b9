// @ts-check
// Kept apart from the views (which touch the page) so the rule can be tested without a browser.

/** The statuses in which nothing of a batch is recorded, so the API lets an operator cancel it. */
const CANCELLABLE = ['RECEIVED', 'AWAITING_APPROVAL', 'AWAITING_FUNDS'];

/**
 * What an operator may decide on a batch in this status, in the order the row shows the buttons:
 * approve while it awaits approval, cancel while nothing of it is recorded (as the API allows).
 * @param {string} status
 * @returns {('approve' | 'cancel')[]}
 */
export function batchDecisions(status) {
  /** @type {('approve' | 'cancel')[]} */
  const decisions = [];
  if (status === 'AWAITING_APPROVAL') decisions.push('approve');
  if (CANCELLABLE.includes(status)) decisions.push('cancel');
  return decisions;
}
