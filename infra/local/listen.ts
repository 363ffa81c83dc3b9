import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` on `host:port` (0: an ephemeral port) and resolves with its base URL, IPv6 bracketed. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}
