import { type EnvReader, wholeNumber } from '../shared/env';
import type { BreakerSettings } from './breaker';

/** The breaker's settings and its read cache, for the functions that make money calls. */
export interface BreakerConfig {
  settings: BreakerSettings;
  /** PAYPRO_BREAKER_CACHE_MS: how long one read of the breaker serves a container. */
  cacheMs: number;
}

/**
 * Reads PAYPRO_BREAKER_FAILURES (default 5), PAYPRO_BREAKER_WINDOW_S (30), PAYPRO_PROBE_S (15),
 * PAYPRO_RAMP_S (60) and PAYPRO_BREAKER_CACHE_MS (1000) into `settings`, which reports each bad one.
 */
export function readBreakerConfig(settings: EnvReader): BreakerConfig {
  const failures = settings.optional('PAYPRO_BREAKER_FAILURES', wholeNumber({ max: 1000 }), 5);
  const windowS = settings.optional('PAYPRO_BREAKER_WINDOW_S', wholeNumber({ max: 3600 }), 30);
  const probeS = settings.optional('PAYPRO_PROBE_S', wholeNumber({ max: 3600 }), 15);
  const rampS = settings.optional('PAYPRO_RAMP_S', wholeNumber({ min: 0, max: 3600 }), 60);
  // Longer serves more sends from one read but lets more calls out after the breaker opens.
  const cacheMs = settings.optional('PAYPRO_BREAKER_CACHE_MS', wholeNumber({ min: 0, max: 60_000 }), 1000);
  return {
    settings: { failures, windowMs: windowS * 1000, probeMs: probeS * 1000, rampMs: rampS * 1000 },
    cacheMs,
  };
}
