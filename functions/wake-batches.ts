import { type WakeDeps, wakeDueBatches } from '../lib/batches/advance';
import { buildWakeServices } from '../lib/batches/services';
import { loadConfig } from '../lib/config';
import { scheduleHandler } from '../lib/handlers/schedule';

/** Schedule (every minute): asks for the next step of every batch whose step is due. */
export function wakeBatchesHandler(services: WakeDeps) {
  return scheduleHandler(() => wakeDueBatches(services));
}

export const handler = wakeBatchesHandler(buildWakeServices(loadConfig()));
