/** Where the float stood against the watermark at the last check that was recorded. */
export type FloatLevel = 'low' | 'ok';

/** EventBridge `detail-type`s of float events (webhook types `float.low`, `float.restored`). */
export type FloatEventType = 'Float Low' | 'Float Restored';

/** A check's verdict: the new level, and the event its crossing sends, if it crossed. */
export interface WatermarkDecision {
  level: FloatLevel;
  event?: FloatEventType;
}

/**
 * Decides a check against the watermark: `available` below it is low; equal to it or above is
 * ok (the watermark is the least the merchant wants to keep, so having exactly it is not low).
 * An event only on a crossing: the first reading ever, when low, sends Float Low (an unknown
 * level counts as ok: a float found low must be told once); a later low after ok sends Float Low;
 * ok after low sends Float Restored; the same level again sends nothing, however often it is read.
 */
export function crossWatermark(
  previous: FloatLevel | undefined,
  available: number,
  watermark: number,
): WatermarkDecision {
  const level: FloatLevel = available < watermark ? 'low' : 'ok';
  if (level === 'low' && previous !== 'low') return { level, event: 'Float Low' };
  if (level === 'ok' && previous === 'low') return { level, event: 'Float Restored' };
  return { level };
}
