import { type WakeDeps, wakeDueBatches } from '../lib/batches/advance';
import { buildWakeDeps } from '../lib/batches/deps';
import { loadConfig } from '../lib/config';
import { scheduleHandler } from '../lib/handlers/schedule';

/** Schedule (every minute): asks for the next step of every batch whose step is due. */
export function wakeBatchesHandler(deps: WakeDeps) {
  return scheduleHandler(() => wakeDueBatches(deps));
}

export const handler = wakeBatchesHandler(buildWakeDeps(loadConfig()));
