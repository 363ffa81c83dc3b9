/*
 * The sandbox's HTTP side: routing a request to its endpoint, parsing the signed JSON body, and
 * writing Paypro's envelope, an injected fault, or a last-resort 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignableFields } from '../../lib/paypro/sign';
import { ACCEPTED, type Endpoint, type Fault, type Reply, type SandboxState } from './paypro-sandbox-model';
import { readBody } from './read-body';

const MAX_BODY_BYTES = 64 * 1024;

/** Routes one request; every failure is turned into an answer, never an exception. */
export async function handleRequest(
  routes: Readonly<Record<string, Endpoint>>,
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
  const endpoint = routes[`${req.method} ${path}`];
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (!endpoint) {
    writeJson(res, 404, JSON.stringify({ code: '404', msg: 'NOT_FOUND', success: false }));
    return;
  }
  const merchantNo = req.headers.merchantno;
  const answer = await endpoint(state, {
    merchantNo: typeof merchantNo === 'string' ? merchantNo : undefined,
    body: raw === undefined ? undefined : parseFields(raw),
  });
  if ('fault' in answer) {
    writeFault(res, answer);
  } else {
    writeEnvelope(res, answer);
  }
}

/** Parses a JSON object of plain values (what can be signed); undefined for anything else. */
function parseFields(raw: string): SignableFields | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const plain = Object.values(parsed).every(
    (value) => value === null || ['string', 'number', 'boolean'].includes(typeof value),
  );
  return plain ? (parsed as SignableFields) : undefined;
}

/** Writes Paypro's first-layer envelope; success mirrors code '0000'. */
function writeEnvelope(res: ServerResponse, reply: Reply): void {
  const head = JSON.stringify({
    msg: reply.msg,
    code: reply.code,
    timestamp: Date.now(),
    success: reply.code === ACCEPTED.code,
  });
  writeJson(res, 200, `${head.slice(0, -1)},"data":${reply.data ?? 'null'}}`);
}

/** Sends a JSON body unless the client has already gone away. */
export function writeJson(res: ServerResponse, status: number, body: string): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Writes an injected fault: a text HTTP 500, an HTML body with HTTP 200, or a dropped socket. */
function writeFault(res: ServerResponse, { fault }: Fault): void {
  if (res.destroyed || res.writableEnded) return;
  if (fault === 'reset') {
    res.destroy();
    return;
  }
  const [status, contentType, body] =
    fault === 'http500'
      ? [500, 'text/plain', 'Internal Server Error']
      : [200, 'text/html', '<html>oops</html>'];
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Last resort for a bug in the sandbox itself: answer 500 rather than crash the process. */
export function failSafely(res: ServerResponse): void {
  try {
    if (!res.headersSent) {
      writeJson(res, 500, JSON.stringify({ code: '500', msg: 'SANDBOX_ERROR', success: false }));
    } else {
      res.destroy();
    }
  } catch {
    // Nothing more can be done for this request.
  }
}
