import { describe, expect, it } from 'vitest';
import { maskCallbackTokens } from '../../../../infra/local/log-mask';
import { callbackToken } from '../../../../lib/paypro/callback-token';

describe('maskCallbackTokens', () => {
  it('masks the token of every callback path and token field, whatever it holds', () => {
    // Prepare
    const token = callbackToken('local-key-0123456789', 'order-1001');
    const lines = [
      `[api] POST /dev/callbacks/paypro/order-1001/${token} (λ: paypro-callback)`,
      `http://localhost:3000/dev/callbacks/paypro/order-1001/${token}?retry=2`,
      'POST /dev/callbacks/paypro/order-1001/%2Fforged%3D (λ: paypro-callback)',
      `pathParameters: { tradeNo: 'order-1001', token: '${token}' }`,
      `{"pathParameters":{"tradeNo":"order-1001","token":"${token}"}}`,
    ];
    // Act
    const masked = lines.map(maskCallbackTokens);
    // Assess
    expect(masked).toEqual([
      '[api] POST /dev/callbacks/paypro/order-1001/**** (λ: paypro-callback)',
      'http://localhost:3000/dev/callbacks/paypro/order-1001/****?retry=2',
      'POST /dev/callbacks/paypro/order-1001/**** (λ: paypro-callback)',
      "pathParameters: { tradeNo: 'order-1001', token: '****' }",
      '{"pathParameters":{"tradeNo":"order-1001","token":"****"}}',
    ]);
  });

  it('leaves the route template and lines without a token as they are', () => {
    const lines = [
      '[api] │   POST | http://127.0.0.1:3000/dev/callbacks/paypro/{tradeNo}/{token}        │',
      '[event] Payout Succeeded  tradeNo=order-1001 v2 (PROCESSING → SUCCEEDED) eventId=order-1001:2',
      'a callback token is never logged',
    ];

    expect(lines.map(maskCallbackTokens)).toEqual(lines);
  });
});
