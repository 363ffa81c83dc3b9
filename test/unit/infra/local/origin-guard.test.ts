import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../../../infra/local/listen';
import { startOriginGuard } from '../../../../infra/local/origin-guard';

// Stands in for serverless-offline 13: it echoes any Origin with credentials, as its
// onPreResponse hook does, and counts the requests that reach it.
let reached: string[] = [];
let upstream: Server;
let guard: Server;
let guardUrl: string;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    const origin = req.headers.origin ?? 'http://127.0.0.1:1';
    res.writeHead(200, {
      'content-type': 'application/json',
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'x-admin-key,content-type',
    });
    res.end(JSON.stringify({ approved: true }));
  });
  const upstreamUrl = await listen(upstream, 0, '127.0.0.1');
  const started = await startOriginGuard('127.0.0.1', 0, Number(new URL(upstreamUrl).port));
  guard = started.server;
  guardUrl = started.url;
});
afterAll(async () => {
  guard.closeAllConnections();
  upstream.closeAllConnections();
  await new Promise((resolve) => guard.close(resolve));
  await new Promise((resolve) => upstream.close(resolve));
});

const hostile = 'http://127.0.0.1:8081';
const approve = '/dev/admin/payout-batches/b-1/approve';

describe('the origin guard in front of the local API', () => {
  it("refuses a hostile page's preflight without granting it anything", async () => {
    // Prepare
    reached = [];
    // Act
    const reply = await fetch(`${guardUrl}${approve}`, {
      method: 'OPTIONS',
      headers: {
        origin: hostile,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-admin-key,content-type',
      },
    });
    // Assess
    expect(reply.status).toBe(403);
    expect([...reply.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(reached).toEqual([]);
  });

  it("refuses a hostile page's request, which never reaches the function", async () => {
    // Prepare
    reached = [];
    // Act
    const reply = await fetch(`${guardUrl}${approve}`, {
      method: 'POST',
      headers: { origin: hostile, 'x-admin-key': 'local-admin-key', 'content-type': 'text/plain' },
      body: '{"reason":"looks fine"}',
    });
    // Assess
    expect(reply.status).toBe(403);
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect(reply.headers.get('access-control-allow-credentials')).toBeNull();
    expect(await reply.json()).toEqual({ message: 'Forbidden' });
    expect(reached).toEqual([]);
  });

  it('passes a request without an Origin (a script, the console server) and strips any CORS grant', async () => {
    // Prepare
    reached = [];
    // Act
    const reply = await fetch(`${guardUrl}${approve}?x=1`, {
      method: 'POST',
      headers: { 'x-admin-key': 'local-admin-key', 'content-type': 'application/json' },
      body: '{"reason":"looks fine"}',
    });
    // Assess
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ approved: true });
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect(reply.headers.get('access-control-allow-credentials')).toBeNull();
    expect(reached).toEqual([`POST ${approve}?x=1`]);
  });
});
