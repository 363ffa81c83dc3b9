import { type WakeDeps, wakeDueBatches } from '../lib/batches/advance';
import { readConfig } from '../lib/config';
import { scheduleHandler } from '../lib/handlers/schedule';
import { buildWakeDeps, readStepper } from '../lib/wiring/batches';

/** Schedule (every minute): asks for the next step of every batch whose step is due. */
export function wakeBatchesHandler(deps: WakeDeps) {
  return scheduleHandler(() => wakeDueBatches(deps));
}

export const handler = wakeBatchesHandler(buildWakeDeps(readConfig(readStepper)));
