import type { IncomingHttpHeaders } from 'node:http';
import type { Upstream } from './upstream';

/**
 * The only headers of the browser's request that go on to the stage. Everything else stays
 * behind: cookies, authorization, any x-admin-key or x-api-key a page could set, origin, referer.
 */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type'] as const;
/** The only headers of the stage's reply that reach the browser (never set-cookie). */
const FORWARDED_REPLY_HEADERS = ['content-type', 'content-disposition', 'link'] as const;

/** The operator's authentication could not be added (no credentials, an expired SSO session). */
export class AuthenticationError extends Error {}

/** A reply of the stage, as the console passes it to the browser. */
export interface ProxiedReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The headers of a browser's request that may go to the stage, before authentication is added. */
export function requestHeadersToForward(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
}

/** The headers of the stage's reply that may reach the browser. */
export function replyHeadersToForward(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = { 'cache-control': 'no-store' };
  for (const name of FORWARDED_REPLY_HEADERS) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return kept;
}

/**
 * Calls `<stage>/admin<path>` with the browser's method, query and body, only the headers
 * `requestHeadersToForward` keeps, and the operator's authentication the upstream adds.
 */
export async function callStage(
  upstream: Upstream,
  request: { method: string; path: string; headers: IncomingHttpHeaders; body?: string },
  fetchImpl: typeof fetch = fetch,
): Promise<ProxiedReply> {
  const url = new URL(`${upstream.baseUrl}/admin${request.path}`);
  let headers: Record<string, string>;
  try {
    headers = await upstream.authenticate({
      method: request.method,
      url,
      headers: requestHeadersToForward(request.headers),
      ...(request.body !== undefined && { body: request.body }),
    });
  } catch (error) {
    // The credential chain's messages name what it tried, never a key.
    const reason = error instanceof Error ? error.message : String(error);
    throw new AuthenticationError(
      `Could not sign the request with your AWS credentials: ${reason}. Log in (e.g. aws sso login) and try again.`,
    );
  }
  const response = await fetchImpl(url, {
    method: request.method,
    headers,
    ...(request.body !== undefined && { body: request.body }),
    redirect: 'manual',
  });
  return {
    status: response.status,
    headers: replyHeadersToForward(response.headers),
    body: Buffer.from(await response.arrayBuffer()),
  };
}
