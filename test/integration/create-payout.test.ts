import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_MOBILES } from '../../infra/local/paypro-sandbox';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack, TEST_SECRET } from '../support/stack';

let stack: Awaited<ReturnType<typeof startStack>>;
let seq = 0;

beforeAll(async () => {
  // Slow settling keeps callbacks from changing a payout between a test's two calls.
  stack = await startStack({}, { slowMs: 1_500, settleMs: 10_000 });
});
afterAll(async () => {
  await stack?.close();
});

/** A tradeNo unique to this run, so tests never see each other's payouts. */
function tradeNo(label: string): string {
  seq += 1;
  return `it-${label}-${Date.now()}-${seq}`;
}

const post = (body: unknown) => stack.createPayout(apiEvent({ body }), lambdaContext());
const get = (id: string) =>
  stack.getPayout(
    apiEvent({ method: 'GET', path: `/payouts/${id}`, pathParameters: { tradeNo: id } }),
    lambdaContext(),
  );

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

describe('POST /payouts against dynalite and the Paypro sandbox', () => {
  it('records, signs and sends a new payout once, and answers 201 with the payout', async () => {
    // Prepare
    const id = tradeNo('new');
    // Act
    const response = await post({
      amount: '150',
      mobile: '0712 345 678',
      tradeNo: id,
      remark: 'March wages',
    });
    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    const sent = stack.sandbox.payouts.get(id);
    expect(bodyOf(response)).toEqual({
      tradeNo: id,
      status: 'PROCESSING',
      amount: 150,
      mobile: '2547****5678',
      remark: 'March wages',
      paypro: { serialNumber: sent?.serialNumber, code: '0015', message: 'CREDIT_INPROGRESS' },
      createdAt: ISO,
      updatedAt: ISO,
      history: [
        { at: ISO, source: 'api', status: 'PENDING', note: 'payout requested' },
        {
          at: ISO,
          source: 'paypro-payout',
          status: 'PROCESSING',
          code: '0015',
          message: 'CREDIT_INPROGRESS',
          note: 'payout accepted by Paypro',
        },
      ],
    });
    const token = createHmac('sha256', TEST_SECRET.callbackKey).update(id).digest('base64url');
    expect(sent).toMatchObject({
      tradeNo: id,
      amount: '150',
      mobile: '254712345678',
      remark: 'March wages',
      notifyUrl: `${stack.config.publicBaseUrl}/callbacks/paypro/${id}/${token}`,
    });
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('shows the stored payout on GET /payouts/{tradeNo}', async () => {
    const id = tradeNo('get');
    const created = await post({ amount: 60, mobile: SANDBOX_MOBILES.succeeds, tradeNo: id });

    const response = await get(id);

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual(bodyOf(created));
    expect(bodyOf(response)).toMatchObject({ status: 'SUCCEEDED', paypro: { code: '0000' } });
  });

  it('answers 404 for an unknown tradeNo and 400 for a malformed one', async () => {
    const unknown = await get('no-such-payout');
    expect(unknown.statusCode).toBe(404);
    expect(bodyOf(unknown)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No payout with tradeNo no-such-payout.',
    });
    const malformed = await get('bad id!');
    expect(malformed.statusCode).toBe(400);
    expect(bodyOf(malformed)).toMatchObject({ errors: [{ field: 'tradeNo' }] });
  });

  it('replays an identical request with 200 and the stored payout, without a second Paypro call', async () => {
    const id = tradeNo('replay');
    const first = await post({ amount: 200, mobile: '0712345678', tradeNo: id });
    // The same payout written another way: the mobile normalises to the same number.
    const second = await post({ amount: '200', mobile: '+254 712 345 678', tradeNo: id });

    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(bodyOf(second)).toEqual(bodyOf(first));
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('refuses the same tradeNo with another payload with 409 and changes nothing', async () => {
    const id = tradeNo('conflict');
    const first = await post({ amount: 300, mobile: '0712345678', tradeNo: id });

    const response = await post({ amount: 301, mobile: '0712345678', tradeNo: id });

    expect(response.statusCode).toBe(409);
    expect(response.headers).toEqual({ 'content-type': 'application/problem+json' });
    expect(bodyOf(response)).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: `tradeNo ${id} is already used by a payout with a different amount, mobile or remark; use a new tradeNo for a new payout.`,
    });
    expect(bodyOf(await get(id))).toEqual(bodyOf(first));
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('sends exactly one payout for 20 concurrent identical requests', async () => {
    const id = tradeNo('burst');
    const body = { amount: 75, mobile: '0112345678', tradeNo: id };

    const responses = await Promise.all(Array.from({ length: 20 }, () => post(body)));

    const codes = responses.map((r) => r.statusCode).sort();
    expect(codes).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
    expect(new Set(responses.map((r) => bodyOf(r).tradeNo))).toEqual(new Set([id]));
  });

  it('records a rejected transaction as FAILED with Paypro code and message verbatim', async () => {
    const id = tradeNo('rejected');

    const response = await post({ amount: 500, mobile: SANDBOX_MOBILES.rejected, tradeNo: id });

    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toMatchObject({
      status: 'FAILED',
      paypro: { code: '00029', message: 'REJECTED_TRANSACTION' },
    });
    expect(bodyOf(await get(id))).toMatchObject({ status: 'FAILED' });
  });

  it('answers 202 PENDING when Paypro answers slower than the timeout, and records why', async () => {
    const id = tradeNo('slow');

    const response = await post({ amount: 80, mobile: SANDBOX_MOBILES.slow, tradeNo: id });

    expect(response.statusCode).toBe(202);
    const body = bodyOf(response);
    expect(body).toMatchObject({ tradeNo: id, status: 'PENDING', paypro: {} });
    expect(body.history).toEqual([
      { at: ISO, source: 'api', status: 'PENDING', note: 'payout requested' },
      // A timeout after the request was written: Paypro may have it (ambiguous).
      { at: ISO, source: 'paypro-payout', note: 'send failed, ambiguous: no answer in time' },
    ]);
    expect(bodyOf(await get(id))).toEqual(body);
    // Paypro did receive it: only a query may settle it, never a second send.
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
  });

  it('makes up a tradeNo (yyyyMMddHHmmss + 6 digits) when none is given, and returns it', async () => {
    const response = await post({ amount: 90, mobile: '0712345678' });

    expect(response.statusCode).toBe(201);
    const id = String(bodyOf(response).tradeNo);
    expect(id).toMatch(/^20\d{12}\d{6}$/);
    expect(stack.sandbox.payoutCalls(id)).toBe(1);
    expect((await get(id)).statusCode).toBe(200);
  });

  it('answers 400 listing every bad field, and writes and sends nothing', async () => {
    const id = tradeNo('bad');

    const response = await post({ amount: 10, mobile: '0812345678', tradeNo: id, currency: 'KES' });

    expect(response.statusCode).toBe(400);
    expect(response.headers).toEqual({ 'content-type': 'application/problem+json' });
    expect(bodyOf(response)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: expect.stringContaining('amount: must be between 50 and 250000 KES'),
      errors: [
        { field: 'amount', message: 'must be between 50 and 250000 KES' },
        {
          field: 'mobile',
          message:
            'must be a Kenyan mobile number such as 0712345678 or +254712345678 (2547… or 2541…, 12 digits)',
        },
        { field: 'currency', message: 'is not a known field' },
      ],
      problemCount: 3,
    });
    expect((await get(id)).statusCode).toBe(404);
    expect(stack.sandbox.payoutCalls(id)).toBe(0);
  });

  it('refuses a query parameter the route does not take (400 naming it), writing and sending nothing', async () => {
    // Prepare
    const id = tradeNo('query');
    const body = { amount: 100, mobile: '0712345678', tradeNo: id };
    // Act
    const created = await stack.createPayout(
      apiEvent({ body, queryStringParameters: { amount: '200000' } }),
      lambdaContext(),
    );
    const read = await stack.getPayout(
      apiEvent({
        method: 'GET',
        path: `/payouts/${id}`,
        pathParameters: { tradeNo: id },
        queryStringParameters: { foo: '1' },
      }),
      lambdaContext(),
    );
    // Assess
    expect(created.statusCode).toBe(400);
    expect(bodyOf(created).errors).toEqual([
      { field: 'amount', message: 'is not a parameter of this route' },
    ]);
    expect(read.statusCode).toBe(400);
    expect(bodyOf(read).errors).toEqual([{ field: 'foo', message: 'is not a parameter of this route' }]);
    expect((await get(id)).statusCode).toBe(404);
    expect(stack.sandbox.payoutCalls(id)).toBe(0);
  });

  it('refuses a body that gives a key twice (400 naming it), instead of paying the last one', async () => {
    // Prepare: a reader that keeps the first key sees 100; JSON.parse keeps the last, 200,000.
    const id = tradeNo('dup');
    const rawBody = `{"amount":100,"mobile":"0712345678","tradeNo":"${id}","amount":200000}`;
    // Act
    const response = await stack.createPayout(apiEvent({ rawBody }), lambdaContext());
    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({
      title: 'Bad Request',
      errors: [{ field: 'amount', message: 'is given more than once' }],
    });
    expect((await get(id)).statusCode).toBe(404);
    expect(stack.sandbox.payoutCalls(id)).toBe(0);
  });

  it('answers 400 on a body that is not JSON', async () => {
    const response = await stack.createPayout(apiEvent({ rawBody: '{"amount":' }), lambdaContext());

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ errors: [{ field: 'body', message: 'is not valid JSON' }] });
  });
});
