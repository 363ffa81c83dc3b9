import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiEvent, lambdaContext } from './events';

type CallbackHandler = (
  event: ReturnType<typeof apiEvent>,
  context: Context,
) => Promise<APIGatewayProxyResult>;

/** A loopback HTTP front for the callback handler, standing in for API Gateway in integration tests. */
export interface CallbackServer {
  /** The public base URL to give the service (notifyUrl = base + /callbacks/paypro/...). */
  baseUrl: string;
  /** While false, every callback is answered 503 as if the API were down. */
  accepting: boolean;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Serves POST /test/callbacks/paypro/{tradeNo}/{token} through the real, composed handler. */
export async function startCallbackServer(handler: () => CallbackHandler): Promise<CallbackServer> {
  const state = { accepting: true };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const match = /^\/test\/callbacks\/paypro\/([^/]+)\/([^/]+)$/.exec(request.url ?? '');
    if (!state.accepting || request.method !== 'POST' || !match) {
      response.writeHead(state.accepting ? 404 : 503).end();
      return;
    }
    const [, tradeNo = '', token = ''] = match;
    const event = apiEvent({
      path: request.url ?? '',
      rawBody: body,
      pathParameters: { tradeNo: decodeURIComponent(tradeNo), token: decodeURIComponent(token) },
    });
    const result = await handler()(event, lambdaContext());
    response.writeHead(result.statusCode, result.headers as Record<string, string>).end(result.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/test`,
    get accepting() {
      return state.accepting;
    },
    set accepting(value: boolean) {
      state.accepting = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
