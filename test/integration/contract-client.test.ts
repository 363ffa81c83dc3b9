/*
 * The example client of contract/client/example.ts, typed from openapi.json alone, run against
 * the real handlers on dynalite and the Paypro sandbox: what the contract promises a merchant's
 * engineer is what the service does. Its fetch hands each request to the handler API Gateway
 * would route it to; every reply is also checked against openapi.json (test/support/contract-setup.ts).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchItems,
  createPayout,
  type PayoutsClient,
  payoutsClient,
  readPayout,
  submitBatch,
} from '../../contract/client/example';
import { startBatchFunctions } from '../support/batch-stack';
import { apiEvent, lambdaContext } from '../support/events';
import { startStack } from '../support/stack';

const BASE_URL = 'https://api.test/dev';

let stack: Awaited<ReturnType<typeof startStack>>;
let batches: Awaited<ReturnType<typeof startBatchFunctions>>;
let client: PayoutsClient;

/** The reply of the handler API Gateway routes `request` to, as fetch returns it. */
async function route(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname.slice(new URL(BASE_URL).pathname.length);
  const query = Object.fromEntries(url.searchParams);
  const rawBody = request.method === 'POST' ? await request.text() : undefined;
  const [, collection, id] = path.split('/');
  let reply: Promise<unknown>;
  if (collection === 'payouts' && id === undefined) {
    reply = stack.createPayout(apiEvent({ path, rawBody: rawBody ?? '' }), lambdaContext());
  } else if (collection === 'payouts' && id !== undefined) {
    const event = apiEvent({
      method: 'GET',
      path,
      resource: '/payouts/{tradeNo}',
      pathParameters: { tradeNo: id },
      queryStringParameters: query,
    });
    reply = stack.getPayout(event, lambdaContext());
  } else if (collection === 'payout-batches' && id === undefined) {
    reply = batches.post(rawBody ?? '');
  } else if (collection === 'payout-batches' && id !== undefined) {
    reply = batches.get(id, query);
  } else {
    return new Response(JSON.stringify({ message: 'Missing Authentication Token' }), { status: 403 });
  }
  const { statusCode, headers, body } = (await reply) as APIGatewayProxyResult;
  return new Response(body, { status: statusCode, headers: headers as Record<string, string> });
}

beforeAll(async () => {
  // One recipient may take 1,000 KES a day: the second payout to the same mobile meets the cap.
  stack = await startStack({ RECIPIENT_DAILY_MAX_AMOUNT: '1000' });
  stack.callbacks.accepting = true;
  batches = await startBatchFunctions(stack);
  client = payoutsClient({ baseUrl: BASE_URL, apiKey: 'local-dev-key', fetch: route });
});
afterAll(async () => {
  await batches?.stop();
  await stack?.close();
});

describe('the example client generated from openapi.json, against the real handlers', () => {
  it('creates a payout, reads it back, and narrows the 422 of a second one to its cap', async () => {
    // Prepare
    const tradeNo = `client-${Date.now()}`;

    // Act
    const created = await createPayout(client, {
      amount: 1000,
      mobile: '0700000000',
      tradeNo,
      remark: 'March wages',
    });
    const read = await readPayout(client, tradeNo);
    const capped = await createPayout(client, {
      amount: '50',
      mobile: '+254700000000',
      tradeNo: `${tradeNo}-2`,
    });
    const unknown = await readPayout(client, `${tradeNo}-none`);

    // Assess
    expect(created).toMatchObject({ kind: 'payout', status: 201, payout: { tradeNo, status: 'SUCCEEDED' } });
    expect(read).toEqual(created.kind === 'payout' ? created.payout : undefined);
    expect(read).toMatchObject({ amount: 1000, mobile: '2547****0000', remark: 'March wages' });
    expect(capped).toEqual({
      kind: 'cap',
      cap: 'recipientDailyAmount',
      limit: 1000,
      remaining: 0,
      day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(unknown).toBeUndefined();
  });

  it('submits a batch and pages through all its items', async () => {
    // Prepare
    const batchId = `client-batch-${Date.now()}`;
    const items = [0, 1, 2].map((i) => ({
      tradeNo: `${batchId}-${i}`,
      amount: 100 + i,
      mobile: '0700000001',
    }));

    // Act
    const status = await submitBatch(client, { batchId, items });
    const paged = await batchItems(client, batchId, 2);

    // Assess
    expect(status).toBe('RECEIVED');
    expect(paged.map(({ index, tradeNo, amount, mobile }) => ({ index, tradeNo, amount, mobile }))).toEqual(
      items.map((item, index) => ({
        index,
        tradeNo: item.tradeNo,
        amount: item.amount,
        mobile: '2547****0001',
      })),
    );
  });
});
