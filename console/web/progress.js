// @ts-check
// Kept apart from the views (which touch the page) so the rule can be tested without a browser.
const FINAL_ITEM_STATUSES = ['SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED'];

/**
 * How far a batch is: its items in a final state over all its items, from its last count; 100 %
 * once the batch completed (with or without failures), whatever that count says.
 * @param {import('./progress').BatchProgressInput} batch
 * @returns {{ final: number, percent: number }}
 */
export function batchProgress(batch) {
  if (batch.status === 'COMPLETED' || batch.status === 'COMPLETED_WITH_FAILURES') {
    return { final: batch.itemCount, percent: 100 };
  }
  const counts = batch.progress?.counts ?? {};
  const final = FINAL_ITEM_STATUSES.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
  return { final, percent: batch.itemCount ? Math.floor((final * 100) / batch.itemCount) : 0 };
}
