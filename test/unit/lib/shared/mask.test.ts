import { describe, expect, it } from 'vitest';
import { maskMobile } from '../../../../lib/shared/mask';

describe('maskMobile', () => {
  it('keeps the first and last four digits only', () => {
    expect(maskMobile('254712345088')).toBe('2547****5088');
    expect(maskMobile('254115555088')).toBe('2541****5088');
  });
});
