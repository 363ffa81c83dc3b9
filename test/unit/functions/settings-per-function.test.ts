import { afterEach, describe, expect, it, vi } from 'vitest';

/*
 * Each function reads only the settings it uses, at load (vitest.config.ts sets the Paypro and
 * public URLs for every test; these tests take them away again).
 */

/** Loads a function's module afresh, as a new Lambda container does; vitest wraps an error at load in its own. */
async function load(name: string): Promise<unknown> {
  vi.resetModules();
  try {
    return await import(`../../../functions/${name}.ts`);
  } catch (error) {
    throw (error as { cause?: unknown }).cause ?? error;
  }
}

describe('a function reads only the settings it uses', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('loads every function that never calls Paypro without PAYPRO_BASE_URL or PUBLIC_BASE_URL', async () => {
    // Prepare
    vi.stubEnv('PAYPRO_BASE_URL', '');
    vi.stubEnv('PUBLIC_BASE_URL', '');
    const names = [
      'get-payout',
      'publish-events',
      'sweep-outbox',
      'admin-get-payout',
      'admin-list-payouts',
      'admin-daily-report',
      'get-payout-batch',
      'admin-approve-batch',
      'wake-batches',
      'create-payout-batch',
      'admin-get-paypro-status',
    ];

    // Act
    const loaded = await Promise.all(
      names.map(async (name) => [name, typeof ((await load(name)) as { handler: unknown }).handler]),
    );

    // Assess
    expect(Object.fromEntries(loaded)).toEqual(Object.fromEntries(names.map((name) => [name, 'function'])));
  });

  it('refuses to load a function that calls Paypro without PAYPRO_BASE_URL, naming it', async () => {
    vi.stubEnv('PAYPRO_BASE_URL', '');

    for (const name of [
      'create-payout',
      'paypro-callback',
      'reconcile',
      'admin-resolve-payout',
      'send-batch-items',
    ]) {
      await expect(load(name), name).rejects.toThrow('PAYPRO_BASE_URL is required but not set');
    }
  });

  it("loads the callback and the operator's resolve without PUBLIC_BASE_URL: they never send", async () => {
    vi.stubEnv('PUBLIC_BASE_URL', '');

    await expect(load('paypro-callback')).resolves.toHaveProperty('handler');
    await expect(load('admin-resolve-payout')).resolves.toHaveProperty('handler');
    await expect(load('admin-resend-payout')).rejects.toThrow('PUBLIC_BASE_URL is required but not set');
  });

  it('names every missing setting of one function at once, the daily caps included', async () => {
    vi.stubEnv('PAYPRO_BASE_URL', '');
    vi.stubEnv('PUBLIC_BASE_URL', '');
    vi.stubEnv('DAILY_MAX_COUNT', '');

    await expect(load('create-payout')).rejects.toThrow(
      'Invalid configuration: PAYPRO_BASE_URL is required but not set; PUBLIC_BASE_URL is required but not set; DAILY_MAX_COUNT is required but not set.',
    );
  });

  it('refuses to load a batch function without its queue, naming it', async () => {
    vi.stubEnv('BATCH_STEPS_QUEUE_URL', '');

    await expect(load('admin-cancel-batch')).rejects.toThrow('BATCH_STEPS_QUEUE_URL is required but not set');
    await expect(load('admin-get-batch')).resolves.toHaveProperty('handler');
  });
});
