import { describe, expect, it } from 'vitest';
import { kenyaTimeToIso } from '../../../../lib/paypro/kenya-time';

describe('kenyaTimeToIso', () => {
  it('reads Kenya time (UTC+3) and answers UTC', () => {
    expect(kenyaTimeToIso('2024-07-01 18:34:31')).toBe('2024-07-01T15:34:31.000Z');
    expect(kenyaTimeToIso('2024-01-01 02:00:00')).toBe('2023-12-31T23:00:00.000Z');
  });

  it.each([
    '2024-02-30 10:00:00',
    '2024-07-01T18:34:31',
    '2024-07-01 24:00:00',
    '2024-7-1 18:34:31',
    'yesterday',
    '',
  ])('refuses %j', (text) => {
    expect(kenyaTimeToIso(text)).toBeUndefined();
  });
});
