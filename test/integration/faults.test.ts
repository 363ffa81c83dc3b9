import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPayoutHandler } from '../../functions/create-payout';
import { payproCallbackHandler } from '../../functions/paypro-callback';
import { type PayoutFailure, SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { DuePayoutRepository } from '../../lib/payouts/due';
import type { Payout } from '../../lib/payouts/payout';
import { reconcile } from '../../lib/payouts/reconcile';
import { callbackToken } from '../../lib/paypro/callback-token';
import { PayproClient } from '../../lib/paypro/client';
import { createDocumentClient, type Deps } from '../../lib/wiring/payouts';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { type Fault, faultyDynamo, type WriteStep } from '../support/faulty-dynamo';
import { startStack, TEST_SECRET } from '../support/stack';
import { settledAtSandbox, until } from '../support/wait';

let stack: Awaited<ReturnType<typeof startStack>>;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({ RECONCILE_MIN_AGE_S: '1' }, { slowMs: 700, settleMs: 150 });
  // Only the reconciler may settle what a fault left open.
  stack.callbacks.accepting = false;
});
afterEach(() => {
  stack.sandbox.failPayouts('none');
});
afterAll(async () => {
  await stack?.close();
});

function tradeNo(label: string): string {
  seq += 1;
  return `ft-${label}-${Date.now()}-${seq}`;
}

async function stored(id: string): Promise<Payout | undefined> {
  return stack.deps.repository.get(id);
}

function createWith(deps: Deps, id: string, mobile = '0712345678') {
  return createPayoutHandler(deps, stack.config)(
    apiEvent({ body: { amount: 100, mobile, tradeNo: id } }),
    lambdaContext(),
  );
}

function withFaultyStore(step: WriteStep, fault: Fault): Deps {
  const repository = new DuePayoutRepository(
    faultyDynamo(createDocumentClient(), step, fault),
    stack.config.payoutsTable,
  );
  return { ...stack.deps, repository };
}

/** Runs the reconciler as if `aheadMs` had passed, settling what is due. */
const reconcileAhead = (aheadMs = 5_000) =>
  reconcile({ ...stack.deps, now: () => new Date(Date.now() + aheadMs), reconcileBatchSize: 500 });

describe('Paypro faults at the payout call', () => {
  it.each<[string, PayoutFailure]>([
    ['answers non-JSON', 'garbage'],
    ['answers JSON of the wrong shape', 'wrongShape'],
  ])(
    'leaves the payout PENDING (202) when Paypro %s, and the reconciler settles it without a second send',
    async (_label, mode) => {
      // Prepare
      const id = tradeNo(mode);
      stack.sandbox.failPayouts(mode);
      // Act
      const response = await createWith(stack.deps, id);
      stack.sandbox.failPayouts('none');
      await settledAtSandbox(stack.sandbox, id);
      await reconcileAhead();
      // Assess
      expect(response.statusCode).toBe(202);
      expect(bodyOf(response)).toMatchObject({ status: 'PENDING' });
      expect((await stored(id))?.status).toBe('SUCCEEDED');
      expect(stack.sandbox.payoutCalls(id)).toBe(1);
    },
  );

  it('settles a payout whose answer timed out through the reconciler, sent once', async () => {
    const id = tradeNo('timeout');

    const response = await createWith(stack.deps, id, SANDBOX_MOBILES.slow);
    await settledAtSandbox(stack.sandbox, id);
    await reconcileAhead();

    expect(response.statusCode).toBe(202);
    expect((await stored(id))?.status).toBe('SUCCEEDED');
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it.each<[string, PayoutFailure]>([
    ['resets the connection', 'reset'],
    ['answers 5xx', 'http500'],
  ])(
    'never re-sends when Paypro %s (it may have the payout): PENDING, then flagged for a human',
    async (_label, mode) => {
      const id = tradeNo(mode);
      stack.sandbox.failPayouts(mode);

      const response = await createWith(stack.deps, id);
      stack.sandbox.failPayouts('none');
      await reconcileAhead();
      await reconcileAhead(25 * 3600_000);

      expect(response.statusCode).toBe(202);
      const payout = await stored(id);
      expect(payout?.status).toBe('PENDING');
      expect(payout?.flaggedAt).toEqual(expect.any(String));
      expect(stack.sandbox.payoutCalls(id)).toBe(1);
    },
  );

  it('records a first-layer refusal (bad sign) as FAILED with the code verbatim, and never sends again', async () => {
    const id = tradeNo('refused');
    const wrongSalt = new PayproClient({
      baseUrl: stack.config.payproBaseUrl,
      timeoutMs: 500,
      salt: 'suffix',
    });

    const response = await createWith({ ...stack.deps, paypro: wrongSalt }, id);
    await reconcileAhead();

    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toMatchObject({
      status: 'FAILED',
      paypro: { code: '1002', message: 'SIGN_ERROR' },
    });
    expect((await stored(id))?.status).toBe('FAILED');
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });
});

describe('Paypro refusals are checked with its query before a payout is called FAILED', () => {
  it("applies Paypro's own record when it refuses a payout it already has (duplicate tradeNo)", async () => {
    // Prepare: another system already sent this tradeNo to the same merchant account.
    const id = tradeNo('duplicate');
    const secret = await stack.deps.secret();
    await stack.deps.paypro.payout(secret, {
      tradeNo: id,
      amount: 100,
      mobile: '254712345678',
      notifyUrl: 'http://127.0.0.1:9/none',
    });
    // Act
    const response = await createWith(stack.deps, id);
    // Assess: refused with 1004, but Paypro's query knows it, so it is not FAILED.
    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toMatchObject({ status: 'PROCESSING' });
    expect((bodyOf(response).history as Array<{ note?: string }>).at(-1)?.note).toBe(
      'payout request refused by Paypro (1004 DUPLICATE_TRADE_NO); Paypro query knows it',
    );
  });

  it('leaves a refused payout PENDING when Paypro cannot be asked, instead of calling it FAILED', async () => {
    const id = tradeNo('refused-unasked');
    const wrongSalt = new PayproClient({
      baseUrl: stack.config.payproBaseUrl,
      timeoutMs: 500,
      salt: 'suffix',
    });
    stack.sandbox.failQueries('http500');
    try {
      const response = await createWith({ ...stack.deps, paypro: wrongSalt }, id);

      expect(response.statusCode).toBe(202);
      expect((await stored(id))?.status).toBe('PENDING');
    } finally {
      stack.sandbox.failQueries('none');
    }
  });
});

describe('DynamoDB faults at each write', () => {
  it('answers 503 and sends nothing when the PENDING record cannot be written (throttled)', async () => {
    const id = tradeNo('put-throttled');

    const response = await createWith(withFaultyStore('create', 'throttle'), id);

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
    expect(await stored(id)).toBeUndefined();
    expect(stack.sandbox.payoutCalls(id)).toBe(0);
  });

  it.each<Fault>(['throttle', 'crash'])(
    'does not send when the sentAt claim fails (%s); the reconciler then sends it exactly once',
    async (fault) => {
      const id = tradeNo(`claim-${fault}`);

      const pending = createWith(withFaultyStore('claim', fault), id);
      if (fault === 'throttle') expect((await pending).statusCode).toBe(202);
      // The "crashed" call never returns: abandon it once its record is written, as Lambda would.
      else
        await until(
          () => stored(id),
          (p) => p !== undefined,
        );
      expect(stack.sandbox.payoutCalls(id)).toBe(0);
      await reconcileAhead();
      await settledAtSandbox(stack.sandbox, id);
      await reconcileAhead(60_000);

      expect(stack.sandbox.payoutCalls(id)).toBe(1);
      expect((await stored(id))?.status).toBe('SUCCEEDED');
    },
  );

  it.each<Fault>(['throttle', 'crash'])(
    'settles through the reconciler, without a second send, when the answer cannot be recorded (%s)',
    async (fault) => {
      const id = tradeNo(`transition-${fault}`);

      const call = createWith(withFaultyStore('transition', fault), id);
      if (fault === 'throttle') expect((await call).statusCode).toBe(202);
      else
        await until(
          () => stack.sandbox.payoutCalls(id),
          (calls) => calls > 0,
        );
      expect((await stored(id))?.status).toBe('PENDING');
      await settledAtSandbox(stack.sandbox, id);
      await reconcileAhead();

      expect(stack.sandbox.payoutCalls(id)).toBe(1);
      expect((await stored(id))?.status).toBe('SUCCEEDED');
    },
  );

  it('re-reads and still records the answer when its conditional update loses a race', async () => {
    const id = tradeNo('transition-conditional');

    const response = await createWith(withFaultyStore('transition', 'conditional'), id);

    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toMatchObject({ status: 'PROCESSING', paypro: { code: '0015' } });
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('answers 503 to a callback whose update is throttled, so Paypro retries; the retry applies it', async () => {
    const id = tradeNo('callback-throttled');
    await createWith(stack.deps, id, SANDBOX_MOBILES.neverCallsBack);
    await settledAtSandbox(stack.sandbox, id);
    const token = callbackToken(TEST_SECRET.callbackKey, id);
    const event = apiEvent({
      path: `/callbacks/paypro/${id}/${token}`,
      body: { tradeNo: id, amount: 100, status: '0000', message: 'SUCCESS' },
      pathParameters: { tradeNo: id, token },
    });

    const first = await payproCallbackHandler(withFaultyStore('transition', 'throttle'))(
      event,
      lambdaContext(),
    );
    const retry = await stack.callback(event, lambdaContext());

    expect(first.statusCode).toBe(503);
    expect(retry).toMatchObject({ statusCode: 200, body: 'OK' });
    expect((await stored(id))?.status).toBe('SUCCEEDED');
  });
});
