import { describe, expect, it } from 'vitest';
import {
  loadConfig,
  readConfig,
  readDailyCaps,
  readPaypro,
  readStage,
  readTables,
  requireDailyCaps,
} from '../../../lib/config';
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
      breaker: {
        settings: { failures: 5, windowMs: 30_000, probeMs: 15_000, rampMs: 60_000 },
        cacheMs: 1000,
      },
      payoutMinAmount: 50,
      payoutMaxAmount: 250000,
      callbackVerifyByQuery: true,
      secretCacheTtlMs: 300000,
      reconcileMinAgeMs: 60000,
      reconcileBatchSize: 5000,
      reconcileConcurrency: 8,
      reconcileFlagAfterMs: 86400000,
      resendAfterMs: 120_000,
      maxResends: 3,
      eventBusName: 'payouts-prod',
      payoutBatchesTable: 'payout-batches-prod',
      batchApprovalTtlMs: 86400000,
      batchCheckIntervalMs: 60000,
      floatRecheckMs: 300000,
      outboxSweepMinAgeMs: 60000,
      payoutLimitsTable: 'payout-limits-prod',
    });
  });

  it('reads the batch approval threshold (unset: no approval), its time and the check interval', () => {
    expect(
      loadConfig({
        ...required,
        BATCH_APPROVAL_ABOVE_AMOUNT: '500000',
        BATCH_APPROVAL_TTL_S: '3600',
        BATCH_CHECK_INTERVAL_S: '30',
      }),
    ).toMatchObject({
      batchApprovalAboveAmount: 500_000,
      batchApprovalTtlMs: 3_600_000,
      batchCheckIntervalMs: 30_000,
    });
    expect(loadConfig({ ...required, BATCH_APPROVAL_ABOVE_AMOUNT: '' })).not.toHaveProperty(
      'batchApprovalAboveAmount',
    );
    expect(() => loadConfig({ ...required, BATCH_APPROVAL_ABOVE_AMOUNT: 'lots' })).toThrow(
      new ConfigError('Invalid configuration: BATCH_APPROVAL_ABOVE_AMOUNT must be a whole number.'),
    );
  });

  it('reads how often a batch waiting for funds reads the float again, refusing more than SQS can delay', () => {
    expect(loadConfig({ ...required, FLOAT_RECHECK_S: '5' })).toMatchObject({ floatRecheckMs: 5_000 });
    expect(() => loadConfig({ ...required, FLOAT_RECHECK_S: '901' })).toThrow(
      new ConfigError('Invalid configuration: FLOAT_RECHECK_S must be at most 900.'),
    );
    expect(() => loadConfig({ ...required, FLOAT_RECHECK_S: '0' })).toThrow(
      new ConfigError('Invalid configuration: FLOAT_RECHECK_S must be at least 1.'),
    );
  });

  it('reads the daily caps, and requireDailyCaps names every one missing', () => {
    const caps = {
      DAILY_MAX_AMOUNT: '1000000',
      DAILY_MAX_COUNT: '1000',
      RECIPIENT_DAILY_MAX_AMOUNT: '300000',
      RECIPIENT_DAILY_MAX_COUNT: '10',
    };
    expect(requireDailyCaps(loadConfig({ ...required, ...caps }))).toEqual({
      dailyMaxAmount: 1_000_000,
      dailyMaxCount: 1_000,
      recipientDailyMaxAmount: 300_000,
      recipientDailyMaxCount: 10,
    });
    const { DAILY_MAX_COUNT: _count, RECIPIENT_DAILY_MAX_AMOUNT: _amount, ...some } = caps;
    expect(() => requireDailyCaps(loadConfig({ ...required, ...some }))).toThrow(
      new ConfigError(
        'Invalid configuration: DAILY_MAX_COUNT is required but not set; RECIPIENT_DAILY_MAX_AMOUNT is required but not set.',
      ),
    );
    expect(() => loadConfig({ ...required, ...caps, DAILY_MAX_AMOUNT: '0' })).toThrow(
      new ConfigError('Invalid configuration: DAILY_MAX_AMOUNT must be at least 1.'),
    );
  });

  it('names the event bus after the stage unless EVENT_BUS_NAME says otherwise', () => {
    expect(
      loadConfig({ ...required, EVENT_BUS_NAME: 'shared-bus', OUTBOX_SWEEP_MIN_AGE_S: '0' }),
    ).toMatchObject({
      eventBusName: 'shared-bus',
      outboxSweepMinAgeMs: 0,
    });
    expect(() => loadConfig({ ...required, OUTBOX_SWEEP_MIN_AGE_S: '-1' })).toThrow(
      'OUTBOX_SWEEP_MIN_AGE_S must be at least 0',
    );
  });

  it('reads the reconciler settings within their bounds', () => {
    const config = loadConfig({ ...required, RECONCILE_BATCH_SIZE: '20000', RECONCILE_CONCURRENCY: '50' });
    expect(config).toMatchObject({ reconcileBatchSize: 20000, reconcileConcurrency: 50 });
    expect(loadConfig({ ...required, RECONCILE_CONCURRENCY: '1' }).reconcileConcurrency).toBe(1);
    expect(() =>
      loadConfig({ ...required, RECONCILE_BATCH_SIZE: '20001', RECONCILE_CONCURRENCY: '51' }),
    ).toThrow(
      new ConfigError(
        'Invalid configuration: RECONCILE_BATCH_SIZE must be at most 20000; RECONCILE_CONCURRENCY must be at most 50.',
      ),
    );
    expect(() => loadConfig({ ...required, RECONCILE_CONCURRENCY: '0' })).toThrow(
      'RECONCILE_CONCURRENCY must be at least 1',
    );
    expect(() => loadConfig({ ...required, RECONCILE_CONCURRENCY: '2.5' })).toThrow(
      'RECONCILE_CONCURRENCY must be a whole number',
    );
  });

  it('reads how far apart Paypro must not know a sent payout, and how often it is sent again, naming a bad one', () => {
    // Prepare
    const set = { ...required, RESEND_AFTER_S: '30', MAX_RESENDS: '0' };
    // Act
    const config = loadConfig(set);
    // Assess
    expect(config).toMatchObject({ resendAfterMs: 30_000, maxResends: 0 });
    expect(() => loadConfig({ ...required, RESEND_AFTER_S: '0', MAX_RESENDS: '11' })).toThrow(
      new ConfigError(
        'Invalid configuration: RESEND_AFTER_S must be at least 1; MAX_RESENDS must be at most 10.',
      ),
    );
    expect(() => loadConfig({ ...required, RESEND_AFTER_S: '3601' })).toThrow(
      'RESEND_AFTER_S must be at most 3600',
    );
    expect(() => loadConfig({ ...required, MAX_RESENDS: 'three' })).toThrow(
      'MAX_RESENDS must be a whole number',
    );
  });

  it('accepts only http(s) URLs and treats an empty variable as unset', () => {
    expect(() => loadConfig({ ...required, PAYPRO_BASE_URL: 'ftp://paypro.test' })).toThrow(
      'PAYPRO_BASE_URL must be an http(s) URL',
    );
    expect(() => loadConfig({ ...required, PUBLIC_BASE_URL: 'https:api.test' })).toThrow(
      'PUBLIC_BASE_URL must be an http(s) URL',
    );
    expect(loadConfig({ ...required, STAGE: '', PAYPRO_TIMEOUT_MS: '' })).toMatchObject({
      stage: 'dev',
      payproTimeoutMs: 5000,
    });
  });

  it('reads PAYPRO_BALANCE_PATH (unset: the client keeps its default) and names a bad one', () => {
    expect(loadConfig({ ...required, PAYPRO_BALANCE_PATH: '/api/merchant/balance' })).toMatchObject({
      payproBalancePath: '/api/merchant/balance',
    });
    expect(loadConfig({ ...required, PAYPRO_BALANCE_PATH: '' })).not.toHaveProperty('payproBalancePath');
    for (const bad of ['api/queryBalance', '/api/query Balance', 'https://paypro.test/api/queryBalance']) {
      expect(() => loadConfig({ ...required, PAYPRO_BALANCE_PATH: bad })).toThrow(
        new ConfigError(
          'Invalid configuration: PAYPRO_BALANCE_PATH must be a path starting with / and without whitespace.',
        ),
      );
    }
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

describe("readConfig, one function's parts", () => {
  it('reads only the parts asked for: the tables need no Paypro setting', () => {
    const tables = readConfig((settings) => readTables(settings, readStage(settings)), { STAGE: 'prod' });

    expect(tables).toEqual({
      payoutsTable: 'payouts-prod',
      payoutBatchesTable: 'payout-batches-prod',
      payoutLimitsTable: 'payout-limits-prod',
    });
  });

  it('names every problem of every part it reads in one ConfigError', () => {
    const read = () =>
      readConfig(
        (settings) => ({ ...readPaypro(settings, readStage(settings)), caps: readDailyCaps(settings) }),
        {
          PAYPRO_TIMEOUT_MS: '20000',
          DAILY_MAX_AMOUNT: '1000',
          DAILY_MAX_COUNT: '10',
          RECIPIENT_DAILY_MAX_AMOUNT: '5',
        },
      );

    expect(read).toThrow(
      new ConfigError(
        'Invalid configuration: PAYPRO_BASE_URL is required but not set; PAYPRO_TIMEOUT_MS must be at most 15000; RECIPIENT_DAILY_MAX_COUNT is required but not set.',
      ),
    );
  });
});
