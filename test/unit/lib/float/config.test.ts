import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lib/errors';
import { loadFloatMonitorConfig } from '../../../../lib/float/config';

describe('loadFloatMonitorConfig', () => {
  it('reads the watermark and the check interval', () => {
    expect(loadFloatMonitorConfig({ FLOAT_LOW_WATERMARK: '250000', FLOAT_CHECK_S: '120' })).toEqual({
      floatLowWatermark: 250_000,
      floatCheckIntervalMs: 120_000,
    });
  });

  it('checks every 300 s unless FLOAT_CHECK_S says otherwise', () => {
    expect(loadFloatMonitorConfig({ FLOAT_LOW_WATERMARK: '0' })).toEqual({
      floatLowWatermark: 0,
      floatCheckIntervalMs: 300_000,
    });
  });

  it('refuses to start without FLOAT_LOW_WATERMARK, naming it and every other bad setting', () => {
    expect(() => loadFloatMonitorConfig({ FLOAT_CHECK_S: 'often' })).toThrow(
      new ConfigError(
        'Invalid configuration: FLOAT_LOW_WATERMARK is required but not set; FLOAT_CHECK_S must be a whole number.',
      ),
    );
  });

  it('refuses a negative or fractional watermark', () => {
    expect(() => loadFloatMonitorConfig({ FLOAT_LOW_WATERMARK: '-1' })).toThrow(
      new ConfigError('Invalid configuration: FLOAT_LOW_WATERMARK must be at least 0.'),
    );
    expect(() => loadFloatMonitorConfig({ FLOAT_LOW_WATERMARK: '10.5' })).toThrow(
      new ConfigError('Invalid configuration: FLOAT_LOW_WATERMARK must be a whole number.'),
    );
  });
});
