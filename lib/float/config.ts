import { EnvReader, wholeNumber } from '../shared/env';

/** The float monitor's own settings (float-monitor only), read once per container. */
export interface FloatMonitorConfig {
  /** FLOAT_LOW_WATERMARK: below this many KES available at Paypro, the float is low. */
  floatLowWatermark: number;
  /** FLOAT_CHECK_S in ms: how often the balance is read when nobody asks sooner. */
  floatCheckIntervalMs: number;
}

/**
 * Reads FLOAT_LOW_WATERMARK (required: no default could suit every merchant, and a missing one
 * must not pass silently in production) and FLOAT_CHECK_S (default 300) into `settings`, which
 * reports each one missing or bad.
 */
export function readFloatMonitorConfig(settings: EnvReader): FloatMonitorConfig {
  const floatLowWatermark = settings.required('FLOAT_LOW_WATERMARK', wholeNumber({ min: 0 }));
  // Deployed, the schedule runs each minute, so below 60 s means every run; npm start runs it more often.
  const floatCheckS = settings.optional('FLOAT_CHECK_S', wholeNumber({ max: 3600 }), 300);
  return { floatLowWatermark, floatCheckIntervalMs: floatCheckS * 1000 };
}

/** float-monitor's own settings alone; a ConfigError names each one missing or bad. */
export function loadFloatMonitorConfig(env: NodeJS.ProcessEnv = process.env): FloatMonitorConfig {
  const settings = new EnvReader(env);
  const config = readFloatMonitorConfig(settings);
  settings.done();
  return config;
}
