/*
 * The guard in front of serverless-offline's two ports under `npm start`. serverless-offline 13
 * answers every CORS preflight by echoing the caller's origin with credentials and any header
 * asked for, and has no option to stop it (its onPreResponse hook ignores corsAllowOrigin), so
 * any page the developer's browser opens could approve a batch or create a payout with the
 * documented local keys, or invoke a function on the Lambda port. The deployed API sets no
 * CORS, and nothing legitimate sends an Origin here (the console calls the API from its server,
 * which drops the header; the launcher and the SDKs send none), so a request that carries one —
 * which a browser adds to every cross-origin fetch, every POST and every preflight — is refused
 * before it reaches serverless-offline, with no Access-Control-* header.
 */
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import { listen } from './listen';

/** Whether the guard refuses a request with these headers: any that names an Origin. */
export function refusedByOriginGuard(headers: IncomingHttpHeaders): boolean {
  return headers.origin !== undefined;
}

/** The upstream's reply headers less any Access-Control-*: nothing here grants a page access. */
export function withoutCors(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith('access-control-')),
  );
}

// What API Gateway answers a request it does not let through, as the stand-in for IAM does.
const REFUSAL = JSON.stringify({ message: 'Forbidden' });

/** Serves `host:port`, passing every request without an Origin to `host:targetPort`. */
export async function startOriginGuard(
  host: string,
  port: number,
  targetPort: number,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (refusedByOriginGuard(req.headers)) {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json' }).end(REFUSAL);
      return;
    }
    const upstream = request(
      { host, port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, withoutCors(reply.headers));
        reply.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('serverless-offline is not answering');
    });
    req.pipe(upstream);
  });
  return { url: await listen(server, port, host), server };
}
