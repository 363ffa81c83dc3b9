import { spawnSync } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import aws4 from 'aws4';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchDailyCsv, summarizeDay } from '../../../console/server/daily';
import { parseConsoleOptions } from '../../../console/server/options';
import { type RunningConsole, startConsole } from '../../../console/server/server';
import { signForExecuteApi } from '../../../console/server/sigv4';
import { localUpstream, signedUpstream, type Upstream } from '../../../console/server/upstream';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};
const SIGNING_DATE = new Date('2026-11-30T01:02:03Z');

describe('signForExecuteApi', () => {
  it('signs a GET with a query and temporary credentials as aws4 does, independently', async () => {
    // Prepare
    const url = new URL(
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/admin/payouts?status=PENDING&to=2026-11-30T00%3A00%3A00.000Z&limit=100',
    );
    const expected = aws4.sign(
      {
        host: url.host,
        method: 'GET',
        path: `${url.pathname}${url.search}`,
        service: 'execute-api',
        region: 'eu-west-1',
        headers: { accept: 'application/json', 'X-Amz-Date': '20261130T010203Z' },
      },
      CREDENTIALS,
    );
    // Act
    const headers = await signForExecuteApi(
      { method: 'GET', url, headers: { accept: 'application/json' } },
      { region: 'eu-west-1', credentials: CREDENTIALS, signingDate: SIGNING_DATE },
    );
    // Assess
    expect(headers).toEqual({
      accept: 'application/json',
      host: url.host,
      'x-amz-date': '20261130T010203Z',
      'x-amz-security-token': 'session-token-example',
      authorization: expected.headers?.Authorization,
    });
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261130\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=accept;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });

  it('signs a POST over its body, so a changed body would not pass', async () => {
    // Prepare
    const url = new URL('https://abc123.execute-api.af-south-1.amazonaws.com/prod/admin/payouts/t-1/resolve');
    const body = JSON.stringify({ to: 'FAILED', reason: 'Paypro support confirmed' });
    const credentials = {
      accessKeyId: CREDENTIALS.accessKeyId,
      secretAccessKey: CREDENTIALS.secretAccessKey,
    };
    // aws4 takes extraHeadersToIgnore; its types do not say so.
    const expected = aws4.sign(
      {
        host: url.host,
        method: 'POST',
        path: url.pathname,
        service: 'execute-api',
        region: 'af-south-1',
        body,
        headers: { 'content-type': 'application/json', 'X-Amz-Date': '20261130T010203Z' },
        // The console lets fetch set content-length and does not sign it; aws4 would.
        extraHeadersToIgnore: { 'content-length': true },
      } as aws4.Request,
      credentials,
    );
    // Act
    const sign = (text: string) =>
      signForExecuteApi(
        { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: text },
        { region: 'af-south-1', credentials, signingDate: SIGNING_DATE },
      );
    const headers = await sign(body);
    const other = await sign(body.replace('FAILED', 'SUCCEEDED'));
    // Assess
    expect(headers).toEqual({
      'content-type': 'application/json',
      host: url.host,
      'x-amz-date': '20261130T010203Z',
      authorization: expected.headers?.Authorization,
    });
    expect(other.authorization).not.toBe(headers.authorization);
  });
});

/** A stand-in for the stage: records each request, answers with what `answer` says. */
interface FakeStage {
  url: string;
  requests: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }>;
  answer: (path: string) => { status: number; headers: Record<string, string>; body: string };
  server: Server;
}

async function startFakeStage(): Promise<FakeStage> {
  const stage: FakeStage = {
    url: '',
    requests: [],
    answer: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"payouts":[]}' }),
    server: createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      stage.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const reply = stage.answer(req.url ?? '');
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    }),
  };
  await new Promise<void>((resolve) => stage.server.listen(0, '127.0.0.1', resolve));
  stage.url = `http://127.0.0.1:${(stage.server.address() as AddressInfo).port}/prod`;
  return stage;
}

/** A request to the console with exactly these headers (fetch would add or refuse some). */
function send(
  consoleUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const url = new URL(options.path, consoleUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers: { host: `localhost:${url.port}`, ...options.headers },
      },
      async (res) => {
        let body = '';
        for await (const chunk of res) body += chunk;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

// What a hostile or careless page could try to pass to the stage.
const BROWSER_HEADERS = {
  accept: 'application/json',
  cookie: 'session=browser-cookie',
  authorization: 'Bearer from-the-browser',
  'x-admin-key': 'guessed-by-a-page',
  'x-api-key': 'some-app-key',
  origin: 'http://localhost:0',
  referer: 'http://localhost/somewhere',
};

describe('the console server in front of a stage', () => {
  let stage: FakeStage;
  let running: RunningConsole | undefined;

  beforeAll(async () => {
    stage = await startFakeStage();
  });
  afterAll(async () => {
    await new Promise((resolve) => stage.server.close(resolve));
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    stage.requests = [];
  });

  async function consoleFor(upstream: Upstream): Promise<string> {
    running = await startConsole(upstream, 0);
    return running.url;
  }

  it('under npm start adds x-admin-key and forwards only accept and content-type of the browser', async () => {
    // Prepare
    const url = await consoleFor(localUpstream(stage.url, 'local-admin-key'));
    const port = new URL(url).port;
    // Act
    const reply = await send(url, {
      path: '/api/payouts?flagged=true',
      headers: { ...BROWSER_HEADERS, origin: `http://localhost:${port}` },
    });
    // Assess
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: '{"payouts":[]}' });
    expect(stage.requests).toHaveLength(1);
    const forwarded = stage.requests[0];
    expect(forwarded?.url).toBe('/prod/admin/payouts?flagged=true');
    const { connection: _c, 'content-length': _l, ...headers } = forwarded?.headers ?? {};
    expect(headers).toEqual({
      host: new URL(stage.url).host,
      accept: 'application/json',
      'x-admin-key': 'local-admin-key',
      // What fetch itself adds.
      'accept-encoding': expect.any(String),
      'accept-language': '*',
      'sec-fetch-mode': 'cors',
      'user-agent': expect.any(String),
    });
  });

  it('for a deployed stage signs with SigV4 and sends no x-admin-key, cookie or browser credentials', async () => {
    // Prepare
    const url = await consoleFor(signedUpstream(stage.url, 'eu-west-1', async () => CREDENTIALS));
    const port = new URL(url).port;
    stage.answer = () => ({
      status: 200,
      headers: { 'content-type': 'application/json', 'set-cookie': 'stage=1', 'x-amzn-requestid': 'r-1' },
      body: '{"tradeNo":"t-1","status":"SUCCEEDED"}',
    });
    const body = JSON.stringify({ to: 'SUCCEEDED', reason: 'checked' });
    // Act
    const reply = await send(url, {
      method: 'POST',
      path: '/api/payouts/t-1/resolve',
      headers: {
        ...BROWSER_HEADERS,
        origin: `http://localhost:${port}`,
        'content-type': 'application/json',
        'x-console-request': '1',
      },
      body,
    });
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('{"tradeNo":"t-1","status":"SUCCEEDED"}');
    expect(reply.headers['set-cookie']).toBeUndefined();
    expect(reply.headers['x-amzn-requestid']).toBeUndefined();
    const forwarded = stage.requests[0];
    expect(forwarded?.body).toBe(body);
    const { connection: _c, 'content-length': _l, ...headers } = forwarded?.headers ?? {};
    expect(headers).toEqual({
      host: new URL(stage.url).host,
      'content-type': 'application/json',
      'x-amz-date': expect.stringMatching(/^\d{8}T\d{6}Z$/),
      'x-amz-security-token': 'session-token-example',
      authorization: expect.stringMatching(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
      ),
      'accept-encoding': expect.any(String),
      'accept-language': '*',
      'sec-fetch-mode': 'cors',
      'user-agent': expect.any(String),
      accept: 'application/json',
    });
  });

  it('refuses a POST without its page header, from another origin, or under another host name', async () => {
    // Prepare
    const url = await consoleFor(localUpstream(stage.url, 'local-admin-key'));
    const port = new URL(url).port;
    const post = { method: 'POST', path: '/api/payout-batches/b-1/approve', body: '{}' };
    // Act
    const noHeader = await send(url, { ...post, headers: { 'content-type': 'text/plain' } });
    const otherOrigin = await send(url, {
      ...post,
      headers: { 'x-console-request': '1', origin: 'https://evil.example' },
    });
    const rebound = await send(url, {
      path: '/api/payouts',
      headers: { host: `evil.example:${port}` },
    });
    // Assess
    expect([noHeader.status, otherOrigin.status, rebound.status]).toEqual([403, 403, 421]);
    expect(stage.requests).toEqual([]);
  });

  it('serves the page and nothing else from disk', async () => {
    // Prepare
    const url = await consoleFor(localUpstream(stage.url, 'k'));
    // Act
    const page = await send(url, { path: '/' });
    const traversal = await send(url, { path: '/../server/server.ts' });
    // Assess
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<title>Payouts operator console</title>');
    expect(traversal.status).toBe(404);
  });

  it('serves every module the page imports, and the modules they import', async () => {
    // Prepare
    const url = await consoleFor(localUpstream(stage.url, 'k'));
    const served = new Map<string, { status: number; type: string | undefined }>();
    const pending = ['/app.js'];
    // Act: follow the static imports from app.js, as the browser does.
    for (let path = pending.shift(); path !== undefined; path = pending.shift()) {
      if (served.has(path)) continue;
      const reply = await send(url, { path });
      served.set(path, { status: reply.status, type: reply.headers['content-type'] });
      for (const [, file] of reply.body.matchAll(/^import .+ from '\.\/(.+?)';$/gm)) pending.push(`/${file}`);
    }
    // Assess
    expect(Object.fromEntries(served)).toEqual({
      '/app.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/attention.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/batch-detail.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/batches.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/chart.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/decisions.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/find.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/format.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/funds.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/page.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/paypro-status.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/paypro-view.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/progress.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/reports.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/resend-view.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/resend.js': { status: 200, type: 'text/javascript; charset=utf-8' },
      '/today.js': { status: 200, type: 'text/javascript; charset=utf-8' },
    });
  });

  it('answers 502 naming the cause when the stage does not answer', async () => {
    // Prepare: a port nothing listens on any more.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = await consoleFor(localUpstream(`http://127.0.0.1:${port}/prod`, 'k'));
    // Act
    const reply = await send(url, { path: '/api/payouts' });
    // Assess
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body)).toEqual({
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      detail: 'The stage did not answer: fetch failed (ECONNREFUSED)',
    });
  });

  it('answers 502 saying the credentials are missing, without calling the stage', async () => {
    // Prepare
    const noCredentials = async () => {
      throw new Error('Could not load credentials from any providers');
    };
    const url = await consoleFor(signedUpstream(stage.url, 'eu-west-1', noCredentials));
    // Act
    const reply = await send(url, { path: '/api/payouts' });
    // Assess
    expect({ status: reply.status, body: JSON.parse(reply.body) }).toEqual({
      status: 502,
      body: {
        type: 'about:blank',
        title: 'Bad Gateway',
        status: 502,
        detail:
          'Could not sign the request with your AWS credentials: Could not load credentials from any providers. Log in (e.g. aws sso login) and try again.',
      },
    });
    expect(stage.requests).toEqual([]);
  });
});

describe('the day from the daily report', () => {
  const HEADER =
    'tradeNo,createdAt,status,amount,mobile,batchId,serialNumber,platFormTradeNo,payproCode,payproMessage,successTime,flaggedAt';

  it('follows rel="next" to the last page and counts by status and Kenya hour', async () => {
    // Prepare: two pages; 21:30 UTC is 00:30 in Kenya, 06:15 UTC is 09:15.
    const pages: Record<string, { body: string; link?: string }> = {
      '/prod/admin/reports/daily.csv?date=2026-11-30': {
        body: `${HEADER}\r\nt-1,2026-11-29T21:30:00.000Z,SUCCEEDED,100,2547****0015,,S1,P1,0000,SUCCESS,,\r\n`,
        link: '<daily.csv?date=2026-11-30&cursor=abc>; rel="next"',
      },
      '/prod/admin/reports/daily.csv?date=2026-11-30&cursor=abc': {
        body: `${HEADER}\r\nt-2,2026-11-30T06:15:00.000Z,PROCESSING,250,2547****0016,b-1,,,0015,"CREDIT, INPROGRESS",,2026-11-30T07:00:00.000Z\r\n`,
      },
    };
    const requested: string[] = [];
    const fakeFetch = (async (input: URL | string) => {
      const url = new URL(String(input));
      const path = `${url.pathname}${url.search}`;
      requested.push(path);
      const page = pages[path];
      return new Response(page?.body ?? '', {
        status: page ? 200 : 404,
        headers: { 'content-type': 'text/csv', ...(page?.link && { link: page.link }) },
      });
    }) as typeof fetch;
    // Act
    const day = await fetchDailyCsv(localUpstream('http://stage.test/prod', 'k'), '2026-11-30', fakeFetch);
    const summary = day.ok ? summarizeDay('2026-11-30', day.csv) : undefined;
    // Assess
    expect(requested).toEqual(Object.keys(pages));
    expect(day.ok && day.pages).toBe(2);
    const hours = Array.from({ length: 24 }, () => ({ PENDING: 0, PROCESSING: 0, SUCCEEDED: 0, FAILED: 0 }));
    hours[0] = { ...hours[0], SUCCEEDED: 1 } as (typeof hours)[0];
    hours[9] = { ...hours[9], PROCESSING: 1 } as (typeof hours)[0];
    expect(summary).toEqual({
      date: '2026-11-30',
      total: { count: 2, amount: 350 },
      byStatus: {
        PENDING: { count: 0, amount: 0 },
        PROCESSING: { count: 1, amount: 250 },
        SUCCEEDED: { count: 1, amount: 100 },
        FAILED: { count: 0, amount: 0 },
      },
      hours,
      flagged: 1,
    });
  });
});

describe('npm run console options', () => {
  it('takes the region from an execute-api URL, or AWS_REGION for a custom domain', () => {
    expect(
      parseConsoleOptions(['--api', 'https://a1b2c3.execute-api.af-south-1.amazonaws.com/prod/'], {}),
    ).toEqual({
      apiUrl: 'https://a1b2c3.execute-api.af-south-1.amazonaws.com/prod',
      region: 'af-south-1',
      port: 3100,
    });
    expect(
      parseConsoleOptions(['--api=https://payouts.example.com/v1'], {
        AWS_REGION: 'eu-west-1',
        CONSOLE_PORT: '4000',
      }),
    ).toEqual({ apiUrl: 'https://payouts.example.com/v1', region: 'eu-west-1', port: 4000 });
    expect(parseConsoleOptions(['--api', 'http://localhost:3000/dev'], { AWS_REGION: 'eu-west-1' })).toEqual({
      apiUrl: 'http://localhost:3000/dev',
      region: 'eu-west-1',
      port: 3100,
    });
  });

  it('refuses a missing --api, a plain http URL other than localhost, and an unknown region', () => {
    expect(() => parseConsoleOptions([], {})).toThrow(/^--api <deployed stage URL> is missing\.\nUsage: /);
    expect(() => parseConsoleOptions(['--api'], {})).toThrow(/^--api <deployed stage URL> is missing\./);
    expect(() => parseConsoleOptions(['--api', 'not a url'], {})).toThrow(/^--api not a url is not a URL\./);
    expect(() =>
      parseConsoleOptions(['--api', 'http://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod'], {}),
    ).toThrow(/^--api must be an https URL \(http only for localhost\), not http:\/\/a1b2c3/);
    expect(() => parseConsoleOptions(['--api', 'https://payouts.example.com/v1'], {})).toThrow(
      /^The region is not in payouts\.example\.com \(a custom domain\?\): set AWS_REGION/,
    );
  });

  it('exits at once with the reason and the usage, before listening', () => {
    // Act
    const run = spawnSync(
      'node_modules/.bin/tsx',
      ['console/server/main.ts', '--api', 'http://example.com/prod'],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    // Assess
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^--api must be an https URL \(http only for localhost\), not http:\/\/example\.com\.\nUsage: npm run console -- --api https:\/\//,
    );
  });
});
