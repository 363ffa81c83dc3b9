import { describe, expect, it } from 'vitest';
import {
  kenyaDate,
  kenyaDayStart,
  kenyaHour,
  kenyaStamp,
  kenyaTime,
  kenyaTimeToIso,
} from '../../../../lib/shared/kenya-time';

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

describe('kenyaDate', () => {
  it('answers the Kenya day, which starts at 21:00 UTC the evening before', () => {
    expect(kenyaDate('2024-06-30T20:59:59.999Z')).toBe('2024-06-30');
    expect(kenyaDate(new Date('2024-06-30T21:00:00.000Z'))).toBe('2024-07-01');
  });
});

describe('kenyaDayStart', () => {
  it('answers the first instant of a Kenya day', () => {
    expect(kenyaDayStart('2024-07-01')).toBe('2024-06-30T21:00:00.000Z');
  });
});

describe('kenyaStamp', () => {
  it('answers Kenya wall-clock time as yyyyMMddHHmmss', () => {
    expect(kenyaStamp(new Date('2024-12-31T21:30:05.000Z'))).toBe('20250101003005');
  });
});

describe('kenyaTime', () => {
  it('writes an instant as Paypro does, and kenyaTimeToIso reads it back', () => {
    const at = new Date('2024-07-01T15:34:31.000Z');

    expect(kenyaTime(at)).toBe('2024-07-01 18:34:31');
    expect(kenyaTimeToIso(kenyaTime(at))).toBe(at.toISOString());
  });
});

describe('kenyaHour', () => {
  it('answers the Kenya wall-clock hour', () => {
    expect(kenyaHour(Date.parse('2024-06-30T21:30:00.000Z'))).toBe(0);
  });
});
