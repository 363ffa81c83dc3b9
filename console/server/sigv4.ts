import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** AWS credentials, or a function that resolves them (and refreshes them when they expire). */
export type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/** A request about to go to the stage: what SigV4 signs. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** The query of `url` as SigV4 wants it: each name once, repeated names as a list. */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}

/**
 * The headers of `request` with SigV4's added (authorization, x-amz-date and, for temporary
 * credentials, x-amz-security-token), for API Gateway (`execute-api`) in `region`.
 */
export async function signForExecuteApi(
  request: OutgoingRequest,
  options: {
    region: string;
    credentials: Credentials;
    signingDate?: Date;
  },
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: 'execute-api',
    sha256: Sha256,
    // API Gateway does not look at x-amz-content-sha256: the body's hash is in the signature anyway.
    applyChecksum: false,
  });
  const { url } = request;
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port !== '' && { port: Number(url.port) }),
      path: url.pathname,
      query: queryOf(url),
      headers: { ...request.headers, host: url.host },
      ...(request.body !== undefined && { body: request.body }),
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return signed.headers as Record<string, string>;
}
