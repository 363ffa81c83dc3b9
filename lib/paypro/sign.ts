import { createHash, timingSafeEqual } from 'node:crypto';

/** Where the app secret goes relative to the canonical string before hashing. */
export type SaltPosition = 'prefix' | 'suffix';

/** A Paypro request or response body: plain values only, as sent on the wire. */
export type SignableFields = Record<string, string | number | boolean | null | undefined>;

/**
 * Builds Paypro's canonical string: every field but `sign`, empty values dropped,
 * keys in plain code-unit order (Java's Collections.sort), `key=value` with no
 * separators and no URL-encoding.
 */
export function canonicalString(fields: SignableFields): string {
  return (
    Object.keys(fields)
      .filter((key) => key !== 'sign')
      .filter((key) => {
        const value = fields[key];
        return value !== undefined && value !== null && String(value) !== '';
      })
      // Default sort compares UTF-16 code units, exactly like Java's String.compareTo.
      .sort()
      .map((key) => `${key}=${String(fields[key])}`)
      .join('')
  );
}

/** Paypro's `sign`: lowercase hex MD5 of the canonical string salted with the app secret. */
export function sign(fields: SignableFields, appSecret: string, salt: SaltPosition = 'prefix'): string {
  const canonical = canonicalString(fields);
  const salted = salt === 'prefix' ? appSecret + canonical : canonical + appSecret;
  return createHash('md5').update(salted, 'utf8').digest('hex');
}

/** Checks a received `sign` against the fields in constant time. */
export function verifySign(
  fields: SignableFields,
  received: unknown,
  appSecret: string,
  salt: SaltPosition = 'prefix',
): boolean {
  if (typeof received !== 'string') return false;
  const expected = Buffer.from(sign(fields, appSecret, salt), 'utf8');
  const actual = Buffer.from(received, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
