import { readConfig } from '../lib/config';
import { type FloatMonitorDeps, monitorFloat } from '../lib/float/monitor';
import { scheduleHandler } from '../lib/handlers/schedule';
import { buildFloatMonitorDeps, readFloatMonitor } from '../lib/wiring/float-monitor';

/**
 * Schedule (every minute): reads Paypro's balance when a check is due (FLOAT_CHECK_S, or asked
 * for by a payout refused for lack of funds), publishes it as metrics, and sends Float Low or
 * Float Restored once per crossing of FLOAT_LOW_WATERMARK.
 */
export function floatMonitorHandler(deps: FloatMonitorDeps) {
  return scheduleHandler(() => monitorFloat(deps));
}

export const handler = floatMonitorHandler(buildFloatMonitorDeps(...readConfig(readFloatMonitor)));
