import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { reconcile } from '../../lib/payouts/reconcile';
import { callbackToken } from '../../lib/paypro/callback-token';
import { apiEvent, lambdaContext } from '../support/events';
import { startStack, TEST_SECRET } from '../support/stack';

// Before any import builds the logger: this file logs at the most talkative level.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

let stack: Awaited<ReturnType<typeof startStack>>;
const lines: string[] = [];
const signs: string[] = [];
const tokens: string[] = [];
const spies: Array<{ mockRestore(): void }> = [];

beforeAll(async () => {
  // Installed before the stack: the Paypro client keeps the fetch it finds at construction.
  const realFetch = globalThis.fetch;
  spies.push(
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (typeof init?.body === 'string' && init.body.includes('"sign"')) {
        signs.push(String((JSON.parse(init.body) as { sign: string }).sign));
      }
      return realFetch(input, init);
    }),
  );
  stack = await startStack({ RECONCILE_MIN_AGE_S: '1' }, { slowMs: 1_000, settleMs: 100 });
  // Capture every log line, and every sign that goes to Paypro.
  for (const method of ['debug', 'info', 'warn', 'error', 'log'] as const) {
    spies.push(
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      }),
    );
  }
});
afterAll(async () => {
  for (const spy of spies) spy.mockRestore();
  await stack?.close();
});

// Not the example number of the validation message (0712345678), which logs may quote.
const MOBILES = ['254711222333', '0711222333', '711222333', '254700000029', '254700000408', '254700000015'];

async function exerciseEveryPath(): Promise<void> {
  const create = (body: Record<string, unknown>) => stack.createPayout(apiEvent({ body }), lambdaContext());
  const stamp = Date.now();
  const ids = {
    ok: `lh-ok-${stamp}`,
    rejected: `lh-rej-${stamp}`,
    slow: `lh-slow-${stamp}`,
    open: `lh-open-${stamp}`,
  };
  await create({ amount: 100, mobile: '0711222333', tradeNo: ids.ok, remark: 'wages' });
  await create({ amount: 100, mobile: '0711222333', tradeNo: ids.ok, remark: 'wages' }); // replay
  await create({ amount: 101, mobile: '711222333', tradeNo: ids.ok }); // conflict
  await create({ amount: 100, mobile: SANDBOX_MOBILES.rejected, tradeNo: ids.rejected });
  await create({ amount: 100, mobile: SANDBOX_MOBILES.slow, tradeNo: ids.slow }); // unknown outcome
  await create({ amount: 100, mobile: SANDBOX_MOBILES.staysProcessing, tradeNo: ids.open });
  await create({ amount: 1, mobile: '0812345678', remark: 'x'.repeat(200) }); // invalid
  for (const id of Object.values(ids)) {
    const token = callbackToken(TEST_SECRET.callbackKey, id);
    tokens.push(token);
    const post = (body: unknown, t = token) =>
      stack.callback(
        apiEvent({ path: `/callbacks/paypro/${id}/${t}`, body, pathParameters: { tradeNo: id, token: t } }),
        lambdaContext(),
      );
    await post({ tradeNo: id, amount: 100, status: '0000', message: 'SUCCESS' });
    await post({ tradeNo: id, amount: 999, status: '0000' }); // amount mismatch
    await post({ tradeNo: id, amount: 100, status: '0000' }, `${token.slice(0, -2)}xx`); // wrong token
  }
  await new Promise((r) => setTimeout(r, 1_200));
  await reconcile({ ...stack.deps, now: () => new Date(Date.now() + 25 * 3600_000) }); // settles, flags
  stack.sandbox.failQueries('http500');
  await reconcile({ ...stack.deps, now: () => new Date(Date.now() + 30 * 3600_000) }); // query failures
  stack.sandbox.failQueries('none');
}

describe('log hygiene', () => {
  it('never logs the app secret, the callback key, a sign, a callback token or an unmasked mobile', async () => {
    // Act
    await exerciseEveryPath();
    // Assess
    expect(lines.length).toBeGreaterThan(10);
    expect(signs.length).toBeGreaterThan(5);
    const text = lines.join('\n');
    const forbidden = [TEST_SECRET.appSecret, TEST_SECRET.callbackKey, ...signs, ...tokens, ...MOBILES];
    expect(forbidden.filter((secret) => text.includes(secret))).toEqual([]);
    // The masked forms are what the logs carry instead.
    expect(text).toContain('2547****2333');
  });
});
