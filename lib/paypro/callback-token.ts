import { createHmac, timingSafeEqual } from 'node:crypto';

/** The secret path segment of a payout's notifyUrl: HMAC-SHA256(callbackKey, tradeNo), base64url. */
export function callbackToken(callbackKey: string, tradeNo: string): string {
  return createHmac('sha256', callbackKey).update(tradeNo, 'utf8').digest('base64url');
}

/** Checks a callback's token in constant time. */
export function verifyCallbackToken(callbackKey: string, tradeNo: string, token: string): boolean {
  const expected = Buffer.from(callbackToken(callbackKey, tradeNo), 'utf8');
  const actual = Buffer.from(token, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Where Paypro must post the result of one payout. */
export function notifyUrl(publicBaseUrl: string, callbackKey: string, tradeNo: string): string {
  return `${publicBaseUrl}/callbacks/paypro/${encodeURIComponent(tradeNo)}/${callbackToken(callbackKey, tradeNo)}`;
}
