import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config';
import { ConfigError } from '../../../lib/errors';

const required = {
  PAYPRO_BASE_URL: 'https://sandbox.paypro.test/ke-pay/',
  PUBLIC_BASE_URL: 'https://api.test/prod',
};

describe('loadConfig', () => {
  it('fills the documented defaults and trims trailing slashes', () => {
    expect(loadConfig({ ...required, STAGE: 'prod' })).toEqual({
      stage: 'prod',
      payoutsTable: 'payouts-prod',
      payproBaseUrl: 'https://sandbox.paypro.test/ke-pay',
      payproSecretId: 'paypro/prod',
      payproSignSalt: 'prefix',
      payproTimeoutMs: 5000,
      publicBaseUrl: 'https://api.test/prod',
      payoutMinAmount: 50,
      payoutMaxAmount: 250000,
      callbackVerifyByQuery: true,
      secretCacheTtlMs: 300000,
      reconcileMinAgeMs: 60000,
      reconcileBatchSize: 25,
      reconcileFlagAfterMs: 86400000,
    });
  });

  it('names every missing production setting', () => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: '' })).toThrow(
      new ConfigError(
        'Invalid configuration: PAYPRO_BASE_URL is required but not set; PUBLIC_BASE_URL is required but not set.',
      ),
    );
  });

  it('names every bad value', () => {
    expect(() =>
      loadConfig({
        ...required,
        PAYPRO_SIGN_SALT: 'middle',
        PAYPRO_TIMEOUT_MS: 'soon',
        CALLBACK_VERIFY_BY_QUERY: 'yes',
        PAYOUT_MIN_AMOUNT: '500',
        PAYOUT_MAX_AMOUNT: '100',
      }),
    ).toThrow(
      /PAYPRO_SIGN_SALT .*; PAYPRO_TIMEOUT_MS must be a whole number; CALLBACK_VERIFY_BY_QUERY must be true or false/,
    );
    expect(() => loadConfig({ ...required, PAYOUT_MIN_AMOUNT: '500', PAYOUT_MAX_AMOUNT: '100' })).toThrow(
      'PAYOUT_MIN_AMOUNT must not exceed PAYOUT_MAX_AMOUNT',
    );
  });
});
