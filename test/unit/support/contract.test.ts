import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReply, watchApi } from '../../support/contract';

const problem = (status: number, title: string) => ({
  statusCode: status,
  headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({ type: 'about:blank', title, status, detail: 'x' }),
});

describe('the contract check of replies', () => {
  it('lets a documented reply through', async () => {
    await expect(checkReply('GET /payouts/{tradeNo}', problem(404, 'Not Found'))).resolves.toBeUndefined();
  });

  it('refuses an undocumented route, status or content type, and a body off its schema', async () => {
    await expect(checkReply('GET /nowhere', problem(404, 'Not Found'))).rejects.toThrow(
      'GET /nowhere replied 404, which openapi.json does not allow: the route is not in the document',
    );
    await expect(checkReply('GET /payouts/{tradeNo}', problem(418, "I'm a teapot"))).rejects.toThrow(
      'status 418 is not documented for this route',
    );
    await expect(
      checkReply('GET /payouts/{tradeNo}', {
        ...problem(404, 'Not Found'),
        headers: { 'content-type': 'text/html' },
      }),
    ).rejects.toThrow('content type text/html is not documented');
    await expect(checkReply('GET /payouts/{tradeNo}', problem(404, 'Missing'))).rejects.toThrow(
      /does not match its schema:\n {2}#\/title: fails const/,
    );
  });
});

describe('the contract check of replies over HTTP', () => {
  let server: ReturnType<typeof createServer>;
  let base = '';
  beforeAll(async () => {
    // A stand-in API answering 404 problems, well formed only on /payouts/{tradeNo}.
    server = createServer((request, response) => {
      const body = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'none' };
      response.writeHead(404, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify(request.url?.includes('bad') ? { ...body, extra: 1 } : body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
    watchApi(base);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('checks every fetch of a watched API, and fails on what the document does not allow', async () => {
    expect((await fetch(`${base}/payouts/order-1`)).status).toBe(404);
    await expect(fetch(`${base}/payouts/bad`)).rejects.toThrow(
      /GET \/payouts\/\{tradeNo\} replied 404.*\n {2}#\/extra: fails validate/,
    );
    await expect(fetch(`${base}/payouts/a/b`)).rejects.toThrow('GET /payouts/a/b replied 404');
  });
});
