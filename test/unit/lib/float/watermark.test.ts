import { describe, expect, it } from 'vitest';
import { crossWatermark } from '../../../../lib/float/watermark';

const WATERMARK = 100_000;

describe('crossWatermark: one event per crossing of FLOAT_LOW_WATERMARK, never one per check', () => {
  it('sends Float Low for a first reading below the watermark', () => {
    expect(crossWatermark(undefined, 99_999, WATERMARK)).toEqual({ level: 'low', event: 'Float Low' });
  });

  it('sends nothing for a first reading at or above the watermark', () => {
    expect(crossWatermark(undefined, 250_000, WATERMARK)).toEqual({ level: 'ok' });
  });

  it('sends Float Low when the float drops below the watermark after being ok', () => {
    expect(crossWatermark('ok', 40_000, WATERMARK)).toEqual({ level: 'low', event: 'Float Low' });
  });

  it('sends nothing for a low reading after a low one, however far it falls', () => {
    expect(crossWatermark('low', 99_999, WATERMARK)).toEqual({ level: 'low' });
    expect(crossWatermark('low', 0, WATERMARK)).toEqual({ level: 'low' });
  });

  it('sends Float Restored when the float climbs back to or above the watermark', () => {
    expect(crossWatermark('low', 100_001, WATERMARK)).toEqual({ level: 'ok', event: 'Float Restored' });
  });

  it('sends nothing for an ok reading after an ok one', () => {
    expect(crossWatermark('ok', 5_000_000, WATERMARK)).toEqual({ level: 'ok' });
  });

  it('counts exactly the watermark as ok: reaching it restores, standing on it is not low', () => {
    expect(crossWatermark('low', WATERMARK, WATERMARK)).toEqual({ level: 'ok', event: 'Float Restored' });
    expect(crossWatermark('ok', WATERMARK, WATERMARK)).toEqual({ level: 'ok' });
    expect(crossWatermark(undefined, WATERMARK, WATERMARK)).toEqual({ level: 'ok' });
  });
});
