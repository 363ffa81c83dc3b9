import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body as UTF-8; undefined when it exceeds `maxBytes`. An oversized body is
 * still drained, so the answer reaches a client that is still sending.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
  }
  return size > maxBytes ? undefined : Buffer.concat(chunks).toString('utf8');
}
