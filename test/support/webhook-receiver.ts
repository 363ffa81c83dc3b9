import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST a receiver got. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a receiver answers its nth request (0-based): a status, or `hang` to never answer. */
export type Answer = (n: number) => number | 'hang';

/** A loopback webhook receiver that records every request. */
export interface WebhookReceiver {
  /** Base URL, e.g. `http://127.0.0.1:PORT`; append a path (and query) for an endpoint. */
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 with an ephemeral port; every request answers per `answer`. */
export async function startWebhookReceiver(answer: Answer): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const n = received.length;
    received.push({
      path: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    const status = answer(n);
    if (status === 'hang') return;
    const location = status >= 300 && status < 400 ? { location: '/elsewhere' } : undefined;
    response.writeHead(status, location).end('{"received":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests would keep the server open forever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
