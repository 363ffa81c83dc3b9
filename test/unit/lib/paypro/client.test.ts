import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FloatUnreadableError, PayproUnknownOutcomeError } from '../../../../lib/errors';
import { PayproClient, type PayproClientOptions } from '../../../../lib/paypro/client';
import { PayproFloatClient } from '../../../../lib/paypro/float-client';
import { sign } from '../../../../lib/paypro/sign';

const CREDENTIALS = { merchantNo: 'M-100', appSecret: 'float-test-secret' };
const BASE_URL = 'https://paypro.test/ke';

interface Sent {
  url: string;
  merchantNo: string | null;
  body: Record<string, unknown>;
}

/** A fetch that records each request and answers with `answer` (a body, a status and body, or 'hang'). */
function scriptedFetch(answer: unknown | { status: number; text: string } | 'hang') {
  const sent: Sent[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    sent.push({
      url: String(input),
      merchantNo: new Headers(init?.headers).get('merchantNo'),
      body: JSON.parse(String(init?.body)),
    });
    if (answer === 'hang') {
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }
    const scripted = answer as { status?: number; text?: string };
    if (typeof scripted.status === 'number' && typeof scripted.text === 'string') {
      return new Response(scripted.text, { status: scripted.status });
    }
    return new Response(JSON.stringify(answer), { status: 200 });
  };
  return { fetch: fake as typeof fetch, sent };
}

function client(fetch: typeof globalThis.fetch, options: Partial<PayproClientOptions> = {}) {
  return new PayproFloatClient({ baseUrl: BASE_URL, timeoutMs: 50, salt: 'prefix', fetch, ...options });
}

function envelope(data: unknown, code = '0000', msg = 'success') {
  return { code, msg, success: code === '0000', timestamp: 1_764_000_000_000, data };
}

/** Rejects with the error `run` throws, so its class and message can be compared. */
async function thrownBy(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('PayproFloatClient.queryBalance', () => {
  it('posts {timestamp} signed to the configured path, with the merchant header, and reads the figures', async () => {
    // Prepare
    const paypro = scriptedFetch(
      envelope({ availableAmount: '5000.00', freezeAmount: '10.00', unsettledAmount: '0.00' }),
    );

    // Act
    const balance = await client(paypro.fetch, { balancePath: '/api/merchant/balance' }).queryBalance(
      CREDENTIALS,
    );

    // Assess
    expect(balance).toEqual({ available: 5000, frozen: 10, unsettled: 0 });
    const [request] = paypro.sent;
    const timestamp = request?.body.timestamp as number;
    expect(paypro.sent).toEqual([
      {
        url: `${BASE_URL}/api/merchant/balance`,
        merchantNo: 'M-100',
        body: { timestamp, sign: sign({ timestamp }, CREDENTIALS.appSecret, 'prefix') },
      },
    ]);
    expect(typeof timestamp).toBe('number');
  });

  it('asks /api/queryBalance when no path is configured', async () => {
    // Prepare
    const paypro = scriptedFetch(envelope({ availableAmount: 1 }));

    // Act
    await client(paypro.fetch).queryBalance(CREDENTIALS);

    // Assess
    expect(paypro.sent.map((request) => request.url)).toEqual([`${BASE_URL}/api/queryBalance`]);
  });

  it.each([
    {
      case: 'a first-layer refusal',
      answer: envelope(null, '1002', 'SIGN_ERROR'),
      message: 'Paypro refused the balance inquiry (/api/queryBalance): code 1002.',
    },
    {
      case: 'figures it cannot read',
      answer: envelope({ availableAmount: '1,000' }),
      message: 'Paypro answered the balance inquiry (/api/queryBalance) with unreadable figures.',
    },
    {
      case: 'no data',
      answer: envelope(null),
      message: 'Paypro answered the balance inquiry (/api/queryBalance) with unreadable figures.',
    },
    {
      case: 'HTTP 500',
      answer: { status: 500, text: 'Internal Server Error' },
      message: "Paypro's balance could not be read (/api/queryBalance).",
    },
    {
      case: 'a body that is not JSON',
      answer: { status: 200, text: '<html>oops</html>' },
      message: "Paypro's balance could not be read (/api/queryBalance).",
    },
    {
      case: 'no answer within the timeout',
      answer: 'hang',
      message: "Paypro's balance could not be read (/api/queryBalance).",
    },
  ])('throws FloatUnreadableError for $case', async ({ answer, message }) => {
    // Prepare
    const paypro = scriptedFetch(answer);

    // Act
    const error = await thrownBy(() => client(paypro.fetch).queryBalance(CREDENTIALS));

    // Assess
    expect(error).toBeInstanceOf(FloatUnreadableError);
    expect((error as Error).message).toBe(message);
  });

  it('keeps the timeout as the cause when Paypro does not answer in time', async () => {
    // Act
    const error = await thrownBy(() => client(scriptedFetch('hang').fetch).queryBalance(CREDENTIALS));

    // Assess
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(PayproUnknownOutcomeError);
    expect((cause as Error).message).toBe('Paypro did not answer /api/queryBalance within 50 ms.');
  });
});

describe('PayproFloatClient.queryReceipt', () => {
  const found = {
    platFormTradeNo: 'a'.repeat(32),
    amount: 1500,
    status: '0000',
    message: 'SUCCESS',
    mpesaReceiptNumber: 'SHL2A6WAQU',
    successTime: '2026-11-24 10:00:05',
  };

  it('posts {code, timestamp} signed to /api/queryResultByCode and returns what Paypro knows', async () => {
    // Prepare
    const paypro = scriptedFetch(envelope(found));

    // Act
    const record = await client(paypro.fetch, { balancePath: '/elsewhere' }).queryReceipt(
      CREDENTIALS,
      'SHL2A6WAQU',
    );

    // Assess
    expect(record).toEqual({ kind: 'found', ...found, amount: '1500' });
    const timestamp = paypro.sent[0]?.body.timestamp as number;
    expect(paypro.sent).toEqual([
      {
        url: `${BASE_URL}/api/queryResultByCode`,
        merchantNo: 'M-100',
        body: {
          code: 'SHL2A6WAQU',
          timestamp,
          sign: sign({ code: 'SHL2A6WAQU', timestamp }, CREDENTIALS.appSecret, 'prefix'),
        },
      },
    ]);
  });

  it('leaves out the optional fields Paypro leaves empty', async () => {
    // Prepare
    const paypro = scriptedFetch(
      envelope({
        amount: '50.0000',
        status: '00029',
        message: null,
        platFormTradeNo: null,
        successTime: null,
      }),
    );

    // Act
    const record = await client(paypro.fetch).queryReceipt(CREDENTIALS, 'SHL2A6WAQU');

    // Assess
    expect(record).toEqual({ kind: 'found', amount: '50.0000', status: '00029', message: '' });
  });

  it('returns a first-layer refusal (an unknown code) as rejected', async () => {
    // Prepare
    const paypro = scriptedFetch(envelope(null, '1005', 'ORDER_NOT_EXIST'));

    // Act
    const record = await client(paypro.fetch).queryReceipt(CREDENTIALS, 'ZZZZZZZZZZ');

    // Assess
    expect(record).toEqual({ kind: 'rejected', code: '1005', message: 'ORDER_NOT_EXIST' });
  });

  it.each([
    {
      case: 'unreadable data',
      answer: envelope({ amount: 50 }),
      message: 'Paypro answered the receipt query with unreadable data.',
    },
    {
      case: 'no answer within the timeout',
      answer: 'hang',
      message: 'Paypro did not answer /api/queryResultByCode within 50 ms.',
    },
  ])('throws PayproUnknownOutcomeError for $case', async ({ answer, message }) => {
    // Act
    const error = await thrownBy(() =>
      client(scriptedFetch(answer).fetch).queryReceipt(CREDENTIALS, 'SHL2A6WAQU'),
    );

    // Assess
    expect(error).toBeInstanceOf(PayproUnknownOutcomeError);
    expect((error as Error).message).toBe(message);
  });
});

/**
 * A Paypro on loopback that answers /api/payout as `answer` says: a status and a body, a reset
 * once the request has been read, or nothing at all (a hang). Every request's body is kept.
 */
async function loopbackPaypro(
  answer: { status: number; body: string } | 'reset' | 'hang',
): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      requests.push(body);
      if (answer === 'hang') return;
      if (answer === 'reset') {
        request.socket.resetAndDestroy();
        return;
      }
      response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on: one just bound and closed again. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const PAYOUT_CALL = {
  tradeNo: 'lb-1',
  amount: 1500,
  mobile: '254712345678',
  notifyUrl: 'https://payouts.test/test/callbacks/paypro/lb-1/token',
};

/** What the payout call to `baseUrl` threw (with our 200 ms timeout). */
async function payoutFailure(baseUrl: string): Promise<PayproUnknownOutcomeError> {
  const paypro = new PayproClient({ baseUrl, timeoutMs: 200, salt: 'prefix' });
  const error = await thrownBy(() => paypro.payout(CREDENTIALS, PAYOUT_CALL));
  expect(error).toBeInstanceOf(PayproUnknownOutcomeError);
  return error as PayproUnknownOutcomeError;
}

describe('PayproClient.payout over loopback HTTP: what a failed call proves', () => {
  const servers: Array<{ close: () => Promise<void> }> = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  /** Starts a loopback Paypro closed after the test. */
  async function paypro(answer: Parameters<typeof loopbackPaypro>[0]) {
    const server = await loopbackPaypro(answer);
    servers.push(server);
    return server;
  }

  it('calls a refused connection (a closed port) not taken in, and a sign Paypro is down', async () => {
    // Act
    const error = await payoutFailure(await closedPort());

    // Assess
    expect(error.failure).toEqual({
      class: 'not-taken-in',
      unavailable: true,
      rateLimited: false,
      detail: 'connection failed (ECONNREFUSED)',
    });
  });

  it('calls a reset after the request was written ambiguous: Paypro may have it', async () => {
    // Prepare
    const server = await paypro('reset');

    // Act
    const error = await payoutFailure(server.url);

    // Assess
    expect(server.requests).toHaveLength(1);
    expect(error.failure).toEqual({
      class: 'ambiguous',
      unavailable: true,
      rateLimited: false,
      detail: expect.stringMatching(/^connection lost \((ECONNRESET|UND_ERR_SOCKET)\)$/),
    });
  });

  it('calls a request read and never answered ambiguous once our timeout ends it', async () => {
    // Prepare
    const server = await paypro('hang');

    // Act
    const error = await payoutFailure(server.url);

    // Assess
    expect(server.requests).toHaveLength(1);
    expect(error.message).toBe('Paypro did not answer /api/payout within 200 ms.');
    expect(error.failure).toEqual({
      class: 'ambiguous',
      unavailable: true,
      rateLimited: false,
      detail: 'no answer in time',
    });
  });

  it.each([
    {
      case: '503 with an HTML body (a gateway in front of Paypro)',
      answer: { status: 503, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' },
      failure: {
        class: 'not-taken-in',
        unavailable: true,
        rateLimited: false,
        detail: "HTTP 503 without Paypro's envelope",
      },
    },
    {
      case: "503 inside Paypro's envelope (Paypro itself had it)",
      answer: { status: 503, body: JSON.stringify(envelope(null, '9999', 'SYSTEM_BUSY')) },
      failure: {
        class: 'ambiguous',
        unavailable: true,
        rateLimited: false,
        detail: "HTTP 503 inside Paypro's envelope",
      },
    },
    {
      case: '500',
      answer: { status: 500, body: 'Internal Server Error' },
      failure: { class: 'ambiguous', unavailable: true, rateLimited: false, detail: 'HTTP 500' },
    },
    {
      case: '429',
      answer: { status: 429, body: 'Too Many Requests' },
      failure: {
        class: 'not-taken-in',
        unavailable: true,
        rateLimited: true,
        detail: 'HTTP 429 too many requests',
      },
    },
    {
      case: 'a "too many requests" refusal in the envelope (Paypro is up, asking to slow down)',
      answer: { status: 200, body: JSON.stringify(envelope(null, '1429', 'Too many requests')) },
      failure: {
        class: 'not-taken-in',
        unavailable: false,
        rateLimited: true,
        detail: 'Paypro asked to slow down',
      },
    },
  ])('classifies an answer of $case', async ({ answer, failure }) => {
    // Prepare
    const server = await paypro(answer);

    // Act
    const error = await payoutFailure(server.url);

    // Assess
    expect(server.requests).toHaveLength(1);
    expect(error.failure).toEqual(failure);
  });

  it('returns any other refusal in the envelope as rejected: Paypro answered, nothing failed', async () => {
    // Prepare
    const server = await paypro({
      status: 200,
      body: JSON.stringify(envelope(null, '1010', 'DUPLICATE_TRADE_NO')),
    });
    const client = new PayproClient({ baseUrl: server.url, timeoutMs: 200, salt: 'prefix' });

    // Act
    const answer = await client.payout(CREDENTIALS, PAYOUT_CALL);

    // Assess
    expect(answer).toEqual({ kind: 'rejected', code: '1010', message: 'DUPLICATE_TRADE_NO' });
  });
});
