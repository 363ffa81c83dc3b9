import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fetchDailyCsv, summarizeDay } from './daily';
import { AuthenticationError, callStage } from './proxy';
import type { Upstream } from './upstream';

const WEB_DIR = resolve(import.meta.dirname, '../web');
/** The page's files: nothing else on disk is ever served. */
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/attention.js': { file: 'attention.js', type: 'text/javascript; charset=utf-8' },
  '/batch-detail.js': { file: 'batch-detail.js', type: 'text/javascript; charset=utf-8' },
  '/batches.js': { file: 'batches.js', type: 'text/javascript; charset=utf-8' },
  '/chart.js': { file: 'chart.js', type: 'text/javascript; charset=utf-8' },
  '/decisions.js': { file: 'decisions.js', type: 'text/javascript; charset=utf-8' },
  '/find.js': { file: 'find.js', type: 'text/javascript; charset=utf-8' },
  '/format.js': { file: 'format.js', type: 'text/javascript; charset=utf-8' },
  '/funds.js': { file: 'funds.js', type: 'text/javascript; charset=utf-8' },
  '/page.js': { file: 'page.js', type: 'text/javascript; charset=utf-8' },
  '/paypro-status.js': { file: 'paypro-status.js', type: 'text/javascript; charset=utf-8' },
  '/paypro-view.js': { file: 'paypro-view.js', type: 'text/javascript; charset=utf-8' },
  '/progress.js': { file: 'progress.js', type: 'text/javascript; charset=utf-8' },
  '/reports.js': { file: 'reports.js', type: 'text/javascript; charset=utf-8' },
  '/resend.js': { file: 'resend.js', type: 'text/javascript; charset=utf-8' },
  '/resend-view.js': { file: 'resend-view.js', type: 'text/javascript; charset=utf-8' },
  '/today.js': { file: 'today.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};
const MAX_BODY_BYTES = 64 * 1024;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
/**
 * The header the page sends on every POST. A page of another site cannot send it without a
 * CORS preflight, which this server never grants: so no other site can make the operator's
 * console approve, cancel, resolve or resend anything.
 */
export const CONSOLE_REQUEST_HEADER = 'x-console-request';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
};

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer) {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

function problem(res: ServerResponse, status: number, title: string, detail: string) {
  send(
    res,
    status,
    { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    JSON.stringify({ type: 'about:blank', title, status, detail }),
  );
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

/**
 * Whether the request names this server by a loopback name: a page of another site that has
 * pointed its own name at 127.0.0.1 (DNS rebinding) sends its own name, and is refused.
 */
export function isOwnHost(host: string | undefined, port: number): boolean {
  return host !== undefined && LOOPBACK_HOSTS.some((name) => host === `${name}:${port}`);
}

/** Whether a POST comes from the console's own page: its custom header, and its own origin if any. */
export function isOwnPagePost(req: Pick<IncomingMessage, 'headers'>): boolean {
  if (req.headers[CONSOLE_REQUEST_HEADER] !== '1') return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

const JSON_NO_STORE = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/** GET /console/today (the day's summary) and /console/daily.csv (its report), from the stage's daily CSV. */
function dayView(upstream: Upstream): Handler {
  return async (_req, res, url) => {
    const date = url.searchParams.get('date') ?? '';
    if (!DAY.test(date))
      return problem(res, 400, 'Bad Request', 'date must be a day YYYY-MM-DD (Kenya time).');
    const day = await fetchDailyCsv(upstream, date);
    if (!day.ok) return send(res, day.reply.status, day.reply.headers, day.reply.body);
    if (url.pathname === '/console/daily.csv') {
      return send(
        res,
        200,
        {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="payouts-${date}.csv"`,
          'cache-control': 'no-store',
        },
        day.csv,
      );
    }
    const body = JSON.stringify({ ...summarizeDay(date, day.csv), pages: day.pages });
    return send(res, 200, JSON_NO_STORE, body);
  };
}

/** /api/* to the stage's /admin/*: GETs as they come, POSTs only from the console's own page. */
function proxy(upstream: Upstream): Handler {
  return async (req, res, url) => {
    const method = req.method === 'POST' ? 'POST' : 'GET';
    let body: string | undefined;
    if (method === 'POST') {
      if (!isOwnPagePost(req))
        return problem(res, 403, 'Forbidden', 'Only the console page may send changes.');
      body = await readBody(req);
      if (body === undefined) return problem(res, 413, 'Content Too Large', 'The body is too large.');
    }
    const path = `${url.pathname.slice('/api'.length)}${url.search}`;
    const reply = await callStage(upstream, { method, path, headers: req.headers, body });
    return send(res, reply.status, reply.headers, reply.body);
  };
}

/** The handler of a request the console serves, or undefined (404). */
function routeOf(upstream: Upstream, method: string, pathname: string): Handler | undefined {
  const asset = STATIC_FILES[pathname];
  if (asset && method === 'GET') {
    return async (_req, res) => {
      const body = await readFile(resolve(WEB_DIR, asset.file));
      return send(res, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' }, body);
    };
  }
  if (pathname === '/console/info' && method === 'GET') {
    return async (_req, res) =>
      send(res, 200, JSON_NO_STORE, JSON.stringify({ mode: upstream.mode, stage: upstream.baseUrl }));
  }
  if ((pathname === '/console/today' || pathname === '/console/daily.csv') && method === 'GET') {
    return dayView(upstream);
  }
  if (pathname.startsWith('/api/') && (method === 'GET' || method === 'POST')) return proxy(upstream);
  return undefined;
}

/** The console's HTTP handler: the page, its two day views, and /api/* proxied to the stage's /admin/*. */
export function consoleHandler(upstream: Upstream, port: () => number) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://console');
    const method = req.method ?? 'GET';
    if (!isOwnHost(req.headers.host, port())) {
      return problem(res, 421, 'Misdirected Request', 'Open the console at http://localhost:<port>.');
    }
    const handle = routeOf(upstream, method, url.pathname);
    if (!handle)
      return problem(res, 404, 'Not Found', `${method} ${url.pathname} is not part of the console.`);
    return handle(req, res, url);
  };
}

/** A running console: its URL, and how to stop it. */
export interface RunningConsole {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts the console on loopback only (`port` 0: an ephemeral one), in front of `upstream`. */
export async function startConsole(
  upstream: Upstream,
  port: number,
  host = '127.0.0.1',
): Promise<RunningConsole> {
  let bound = port;
  const handle = consoleHandler(upstream, () => bound);
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A fetch failure's message names the cause (refused, timed out), never a credential.
      const detail =
        error instanceof AuthenticationError
          ? error.message
          : `The stage did not answer: ${error instanceof Error ? `${error.message}${causeOf(error)}` : 'unexpected error'}`;
      if (!res.headersSent) problem(res, 502, 'Bad Gateway', detail);
      else res.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
  bound = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${bound}`,
    server,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

function causeOf(error: Error): string {
  // undici puts the system error (ECONNREFUSED, ETIMEDOUT…) in `cause`, from another realm at times.
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof cause?.code === 'string') return ` (${cause.code})`;
  return typeof cause?.message === 'string' ? ` (${cause.message})` : '';
}
