import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { apiEvent, lambdaContext } from '../test/support/events';

type ApiHandler = (
  event: ReturnType<typeof apiEvent>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<APIGatewayProxyResult>;

/** The routes of serverless.yml the benchmark drives, each to its composed handler. */
export interface LocalApiRoutes {
  createPayout: ApiHandler;
  callback: ApiHandler;
}

/** A loopback HTTP front standing in for API Gateway. */
export interface LocalApi {
  /** e.g. http://127.0.0.1:41234/bench: the API's base and PUBLIC_BASE_URL. */
  baseUrl: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves POST /{stage}/payouts and POST /{stage}/callbacks/paypro/{tradeNo}/{token} through
 * the handlers; `routes` is read per request so the handlers can be built after the URL is known.
 * No API key check: that is API Gateway's work, not the service's.
 */
export async function startLocalApi(stage: string, routes: () => LocalApiRoutes): Promise<LocalApi> {
  const server = createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      const url = request.url ?? '';
      const callback = new RegExp(`^/${stage}/callbacks/paypro/([^/]+)/([^/]+)$`).exec(url);
      let result: APIGatewayProxyResult | undefined;
      if (request.method === 'POST' && url === `/${stage}/payouts`) {
        result = await routes().createPayout(apiEvent({ rawBody: body }), lambdaContext());
      } else if (request.method === 'POST' && callback) {
        const [, tradeNo = '', token = ''] = callback;
        const event = apiEvent({
          path: url,
          rawBody: body,
          pathParameters: { tradeNo: decodeURIComponent(tradeNo), token: decodeURIComponent(token) },
        });
        result = await routes().callback(event, lambdaContext());
      }
      if (!result) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(result.statusCode, result.headers as Record<string, string>).end(result.body);
    } catch {
      // A handler never throws (middy turns errors into replies); this is the front's own failure.
      if (!response.headersSent) response.writeHead(500);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/${stage}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
