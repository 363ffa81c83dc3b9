import { describe, expect, it } from 'vitest';
import { canonicalString, sign, verifySign } from '../../../../lib/paypro/sign';

// Expected hex digests computed outside this code with coreutils, e.g.
//   printf '%s' "test-secret$canonical" | md5sum
const docExample = {
  amount: '50',
  mobile: '254115555088',
  remark: 'r1',
  timestamp: 1715941383720,
  tradeNo: '1000023',
};

// A capitalised key, a number, a URL with query characters, an empty and an unset value, a sign.
const tricky = {
  tradeNo: 'T-1',
  amount: 100,
  notifyUrl: 'https://example.com/cb/x?a=1&b=2',
  timestamp: 1715941383720,
  Zeta: 'z',
  remark: '',
  mobile: undefined,
  sign: 'whatever was there before',
};

describe('canonicalString', () => {
  it('sorts keys by code unit (capitals first), drops empty values and sign, leaves URLs unencoded', () => {
    // Act
    const canonical = canonicalString(tricky);
    // Assess
    expect(canonical).toBe(
      'Zeta=zamount=100notifyUrl=https://example.com/cb/x?a=1&b=2timestamp=1715941383720tradeNo=T-1',
    );
  });
});

describe('sign', () => {
  it('matches the worked example of the API notes with the salt as prefix', () => {
    expect(sign(docExample, 'test-secret')).toBe('f6f4a801bf692acd34e076d95e39c913');
    expect(sign(docExample, 'test-secret', 'prefix')).toBe('f6f4a801bf692acd34e076d95e39c913');
  });

  it('puts the salt after the data when configured as suffix', () => {
    expect(sign(docExample, 'test-secret', 'suffix')).toBe('350f899285250933b43555454f8722a0');
  });

  it('signs numbers and URLs in their plain form, capitalised keys first, empty values and sign left out', () => {
    expect(sign(tricky, 's3cr3t')).toBe('2e489dfbaecaad589c3b609cdfc2368d');
  });

  it('signs a payout query over its tradeNo alone', () => {
    expect(sign({ tradeNo: '1000023' }, 'test-secret')).toBe('78b16293879949a01ff8eedb7dab5064');
  });

  it('is the same whether the timestamp is a number or a string', () => {
    expect(sign({ ...docExample, timestamp: '1715941383720' }, 'test-secret')).toBe(
      sign(docExample, 'test-secret'),
    );
  });
});

describe('verifySign', () => {
  it('accepts the right sign and refuses a changed field, another secret, the other salt or a non-string', () => {
    const good = 'f6f4a801bf692acd34e076d95e39c913';
    expect(verifySign(docExample, good, 'test-secret')).toBe(true);
    expect(verifySign({ ...docExample, amount: '51' }, good, 'test-secret')).toBe(false);
    expect(verifySign(docExample, good, 'other-secret')).toBe(false);
    expect(verifySign(docExample, good, 'test-secret', 'suffix')).toBe(false);
    expect(verifySign(docExample, good.toUpperCase(), 'test-secret')).toBe(false);
    expect(verifySign(docExample, good.slice(1), 'test-secret')).toBe(false);
    expect(verifySign(docExample, 12345, 'test-secret')).toBe(false);
  });
});
