import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payproCallbackHandler } from '../../functions/paypro-callback';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import type { Payout } from '../../lib/payouts/payout';
import { callbackToken } from '../../lib/paypro/callback-token';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack, TEST_SECRET } from '../support/stack';
import { until } from '../support/wait';

let stack: Awaited<ReturnType<typeof startStack>>;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({}, { slowMs: 1_500, settleMs: 300 });
});
afterAll(async () => {
  await stack?.close();
});

function tradeNo(label: string): string {
  seq += 1;
  return `cb-${label}-${Date.now()}-${seq}`;
}

async function create(mobile: string, amount = 100) {
  const id = tradeNo('p');
  const response = await stack.createPayout(
    apiEvent({ body: { amount, mobile, tradeNo: id } }),
    lambdaContext(),
  );
  expect(response.statusCode).toBe(201);
  return id;
}

async function stored(id: string): Promise<Payout> {
  const payout = await stack.deps.repository.get(id);
  if (!payout) throw new Error(`no payout ${id}`);
  return payout;
}

function callbackBody(id: string, fields: Record<string, unknown> = {}) {
  return { platFormTradeNo: 'pf-1', tradeNo: id, amount: 100, status: '0000', message: 'SUCCESS', ...fields };
}

/** Posts a callback straight to the composed handler, as API Gateway would. */
function postCallback(
  id: string,
  body: unknown,
  options: { token?: string; rawBody?: string; handler?: typeof stack.callback } = {},
) {
  const token = options.token ?? callbackToken(TEST_SECRET.callbackKey, id);
  return (options.handler ?? stack.callback)(
    apiEvent({
      path: `/callbacks/paypro/${id}/${token}`,
      rawBody: options.rawBody ?? JSON.stringify(body),
      pathParameters: { tradeNo: id, token },
    }),
    lambdaContext(),
  );
}

const OK = { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' };

describe('Paypro callbacks over HTTP from the sandbox', () => {
  it('takes a payout PENDING -> PROCESSING -> SUCCEEDED, verified by query, raw body kept', async () => {
    // Prepare
    const id = await create('0712345678');
    // Act: the sandbox settles after 300 ms and posts to notifyUrl
    const payout = await until(
      () => stored(id),
      (p) => p.status === 'SUCCEEDED',
    );
    // Assess
    expect(payout.status).toBe('SUCCEEDED');
    expect(payout.history.map((h) => [h.source, h.status])).toEqual([
      ['api', 'PENDING'],
      ['paypro-payout', 'PROCESSING'],
      ['query', 'SUCCEEDED'],
    ]);
    const last = payout.history.at(-1);
    expect(last).toMatchObject({ code: '0000', note: 'callback said 0000; applied Paypro query' });
    expect(last?.raw).toContain(`"tradeNo":"${id}"`);
    expect(last?.raw).toContain('"amount":100.0000');
    const sandboxPayout = stack.sandbox.payouts.get(id);
    expect(payout.paypro).toMatchObject({
      code: '0000',
      platFormTradeNo: sandboxPayout?.platFormTradeNo,
      successTime: sandboxPayout?.successTime?.toISOString().replace(/\.\d{3}Z$/, '.000Z'),
    });
    // The sandbox lists an attempt once our answer has reached it.
    const attempts = await until(
      async () => stack.sandbox.callbackAttempts(id),
      (a) => a.length > 0,
    );
    expect(attempts.map((a) => a.answeredOk)).toEqual([true]);
  });

  it('answers OK to duplicates and a late 0015 after the final state, and changes nothing', async () => {
    const id = await create(SANDBOX_MOBILES.callsBackTwice);

    const attempts = await until(
      async () => stack.sandbox.callbackAttempts(id),
      (a) => a.length >= 3,
    );

    expect(attempts.map((a) => [a.status, a.answeredOk])).toEqual([
      ['0000', true],
      ['0000', true],
      ['0015', true],
    ]);
    const payout = await stored(id);
    expect(payout.status).toBe('SUCCEEDED');
    expect(payout.history.filter((h) => h.status === 'SUCCEEDED')).toHaveLength(1);
  });

  it('records a failure callback as FAILED (callback applied directly when verify-by-query is off)', async () => {
    const id = await create(SANDBOX_MOBILES.staysProcessing);
    const direct = payproCallbackHandler({ ...stack.deps, verifyByQuery: false });

    const response = await postCallback(
      id,
      callbackBody(id, {
        amount: '100.0000',
        status: '00032',
        message: 'UNKNOWN_ERROR',
        successTime: '2026-11-23 18:34:31',
      }),
      { handler: direct },
    );

    expect(response).toEqual(OK);
    const payout = await stored(id);
    expect(payout.status).toBe('FAILED');
    expect(payout.paypro).toMatchObject({
      code: '00032',
      message: 'UNKNOWN_ERROR',
      successTime: '2026-11-23T15:34:31.000Z',
    });
  });

  it('refuses a callback body that gives a key twice (400 naming it) and applies nothing', async () => {
    // Prepare: applied directly (no query), the last status would win: FAILED.
    const id = await create(SANDBOX_MOBILES.staysProcessing);
    const direct = payproCallbackHandler({ ...stack.deps, verifyByQuery: false });
    const rawBody = `{"tradeNo":"${id}","amount":100,"status":"0000","message":"SUCCESS","status":"00029"}`;
    // Act
    const response = await postCallback(id, undefined, { rawBody, handler: direct });
    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors).toEqual([{ field: 'status', message: 'is given more than once' }]);
    expect((await stored(id)).status).toBe('PROCESSING');
  });

  it('notes a contradicting result after a final state as an anomaly, never applies it', async () => {
    const id = await create(SANDBOX_MOBILES.succeeds);
    const direct = payproCallbackHandler({ ...stack.deps, verifyByQuery: false });
    const before = stack.counter.counts.PayoutAnomaly ?? 0;

    const response = await postCallback(
      id,
      callbackBody(id, { status: '00029', message: 'REJECTED_TRANSACTION' }),
      {
        handler: direct,
      },
    );

    expect(response).toEqual(OK);
    const payout = await stored(id);
    expect(payout.status).toBe('SUCCEEDED');
    expect(payout.history.at(-1)).toMatchObject({
      source: 'callback',
      code: '00029',
      note: 'anomaly: Paypro reported 00029 but the payout is SUCCEEDED; not applied',
    });
    expect(stack.counter.counts.PayoutAnomaly).toBe(before + 1);
  });

  it('does not apply a forged success while Paypro says the payout is still processing', async () => {
    const id = await create(SANDBOX_MOBILES.staysProcessing);

    const response = await postCallback(id, callbackBody(id));

    expect(response).toEqual(OK);
    expect((await stored(id)).status).toBe('PROCESSING');
  });

  it('answers 5xx and applies nothing when the Paypro query fails, so Paypro retries', async () => {
    const id = await create(SANDBOX_MOBILES.staysProcessing);
    const before = await stored(id);
    stack.sandbox.failQueries('http500');
    try {
      const response = await postCallback(id, callbackBody(id));

      expect(response.statusCode).toBe(503);
      expect(bodyOf(response)).toEqual({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'Paypro could not be asked about this payout; try again later.',
      });
      expect(await stored(id)).toEqual(before);
    } finally {
      stack.sandbox.failQueries('none');
    }
  });

  it('refuses a wrong token with 401 and an unknown tradeNo with 404, changing nothing', async () => {
    const id = await create(SANDBOX_MOBILES.staysProcessing);
    const before = await stored(id);

    const wrongToken = await postCallback(id, callbackBody(id), {
      token: callbackToken('another-key-0123456789', id),
    });
    const unknown = await postCallback('never-created', callbackBody('never-created'));
    const unknownWrongToken = await postCallback('never-created', callbackBody('never-created'), {
      token: 'x',
    });

    expect(wrongToken.statusCode).toBe(401);
    expect(bodyOf(wrongToken)).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'The callback token is not valid for this tradeNo.',
    });
    expect(unknown.statusCode).toBe(404);
    // Without a valid token nobody learns whether a tradeNo exists.
    expect(unknownWrongToken.statusCode).toBe(401);
    expect(await stored(id)).toEqual(before);
  });

  it('authenticates before reading the body: a wrong token with a non-JSON body is 401, not 400', async () => {
    const id = await create(SANDBOX_MOBILES.staysProcessing);

    const response = await postCallback(id, undefined, { token: 'forged', rawBody: '<xml>nope</xml>' });

    expect(response.statusCode).toBe(401);
  });

  it('answers 404, not 5xx, for a tradeNo it could never have issued, even with its valid token', async () => {
    // Found by fuzzing: an empty tradeNo reached DynamoDB as an invalid key and came back as 503.
    const response = await postCallback('', { tradeNo: '', amount: 100, status: '0000' });

    expect(response.statusCode).toBe(404);
  });

  it('refuses an amount other than the recorded one with 409, counts an anomaly and applies nothing', async () => {
    const id = await create(SANDBOX_MOBILES.staysProcessing);
    const before = await stored(id);
    const anomalies = stack.counter.counts.PayoutAnomaly ?? 0;

    const response = await postCallback(id, callbackBody(id, { amount: 100.5 }));

    expect(response.statusCode).toBe(409);
    expect(bodyOf(response)).toMatchObject({
      detail: `The amount does not match payout ${id}; nothing was applied.`,
    });
    expect(await stored(id)).toEqual(before);
    expect(stack.counter.counts.PayoutAnomaly).toBe(anomalies + 1);
  });

  it.each([
    ['not JSON', '{"tradeNo":', 'body', 'is not valid JSON'],
    ['an array', '[1,2]', 'body', 'must be a JSON object'],
    [
      'amount of a wrong type',
      '{"tradeNo":"ID","amount":true,"status":"0000"}',
      'amount',
      'must be a number or a string',
    ],
    ['status missing', '{"tradeNo":"ID","amount":100}', 'status', 'is required'],
    [
      'a bad successTime',
      '{"tradeNo":"ID","amount":100,"status":"0000","successTime":"yesterday"}',
      'successTime',
      'must be a time as yyyy-MM-dd HH:mm:ss',
    ],
    [
      'another tradeNo in the body',
      '{"tradeNo":"other","amount":100,"status":"0000"}',
      'tradeNo',
      'must equal the tradeNo of the callback URL',
    ],
  ])('answers 400 on %s, naming %s', async (_label, raw, field, message) => {
    const id = await create(SANDBOX_MOBILES.staysProcessing);
    const before = await stored(id);

    const response = await postCallback(id, undefined, { rawBody: raw.replace('"ID"', JSON.stringify(id)) });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors).toEqual([{ field, message }]);
    expect(await stored(id)).toEqual(before);
  });

  it('ends 50 concurrent callbacks for one payout in one final state with a consistent history', async () => {
    const id = await create(SANDBOX_MOBILES.neverCallsBack);
    await until(
      async () => stack.sandbox.payouts.get(id)?.status,
      (s) => s === '0000',
    );

    const responses = await Promise.all(Array.from({ length: 50 }, () => postCallback(id, callbackBody(id))));

    expect(responses.every((r) => r.statusCode === 200 && r.body === 'OK')).toBe(true);
    const payout = await stored(id);
    expect(payout.status).toBe('SUCCEEDED');
    expect(payout.history.map((h) => h.status)).toEqual(['PENDING', 'PROCESSING', 'SUCCEEDED']);
  });
});
