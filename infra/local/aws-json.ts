/*
 * The AWS JSON protocol (1.0 and 1.1) as the local stand-ins serve it: a POST whose
 * `x-amz-target` header names `<prefix><Operation>`, a JSON object in, a JSON object out, and
 * errors as `{ "__type": …, "message": … }` with their HTTP status. Request signatures and
 * credentials are ignored, so any access key works. Shared by SQS, EventBridge and Secrets Manager.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen } from './listen';
import { readBody } from './read-body';

/** An error as the AWS JSON protocol reports it; `message` is left out of the body when undefined. */
export class AwsJsonError extends Error {
  constructor(
    /** The error shape's name (`__type`), e.g. `ValidationException`. */
    readonly type: string,
    message?: string,
    readonly status = 400,
    /** Extra response headers (SQS names its query-protocol code in one). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.hasMessage = message !== undefined;
  }

  private readonly hasMessage: boolean;

  /** The JSON body of the error. */
  body(): object {
    return this.hasMessage ? { __type: this.type, message: this.message } : { __type: this.type };
  }
}

/** What an operation gets besides its input. */
export interface AwsJsonCall {
  req: IncomingMessage;
  /** Aborts when the client goes away or the server closes (ends a long poll). */
  signal: AbortSignal;
}

/** One operation: its input object to its output object; throws AwsJsonError to refuse. */
export type AwsJsonOperation = (input: Record<string, unknown>, call: AwsJsonCall) => unknown;

/** A service served over the AWS JSON protocol. */
export interface AwsJsonService {
  /** `1.0` (SQS) or `1.1` (EventBridge, Secrets Manager): the content type of every answer. */
  version: '1.0' | '1.1';
  /** What `x-amz-target` starts with, e.g. `AmazonSQS.`; the rest names the operation. */
  targetPrefix: string;
  operations: Record<string, AwsJsonOperation>;
  maxBodyBytes: number;
  /** The answer to a body over maxBodyBytes. */
  tooLarge: AwsJsonError;
  /** The answer to a body that is not a JSON object. */
  malformed: AwsJsonError;
  /** Whether an empty body counts as `{}` (SQS) rather than malformed. */
  emptyBodyIsObject?: boolean;
  /** The answer when an operation fails unexpectedly (a 500). */
  internal: AwsJsonError;
  /** Aborts every call's signal when the server closes. */
  closing?: AbortSignal;
}

const UNKNOWN_OPERATION = new AwsJsonError('UnknownOperationException');

/** Sends an AWS JSON body unless the client has already gone away. */
export function writeAwsJson(
  res: ServerResponse,
  version: AwsJsonService['version'],
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': `application/x-amz-json-${version}`,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function writeError(res: ServerResponse, version: AwsJsonService['version'], error: AwsJsonError): void {
  writeAwsJson(res, version, error.status, error.body(), error.headers);
}

/** The request's JSON object, or the error that answers it instead. */
function parseInput(
  service: AwsJsonService,
  raw: string | undefined,
): Record<string, unknown> | AwsJsonError {
  if (raw === undefined) return service.tooLarge;
  if (raw === '' && service.emptyBodyIsObject) return {};
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch {
    return service.malformed;
  }
  return typeof input === 'object' && input !== null && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : service.malformed;
}

/** The operation `x-amz-target` names, if the service has it and the request is a POST. */
function operationOf(service: AwsJsonService, req: IncomingMessage): AwsJsonOperation | undefined {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(service.targetPrefix)) {
    return undefined;
  }
  const name = target.slice(service.targetPrefix.length);
  return Object.hasOwn(service.operations, name) ? service.operations[name] : undefined;
}

/** Answers one call: the operation's output, or its error in the protocol's shape. */
async function answer(service: AwsJsonService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  const raw = await readBody(req, service.maxBodyBytes);
  const operation = operationOf(service, req);
  if (!operation) return writeError(res, service.version, UNKNOWN_OPERATION);
  const input = parseInput(service, raw);
  if (input instanceof AwsJsonError) return writeError(res, service.version, input);
  const gone = new AbortController();
  const abort = () => gone.abort();
  res.once('close', abort);
  service.closing?.addEventListener('abort', abort, { once: true });
  try {
    writeAwsJson(res, service.version, 200, (await operation(input, { req, signal: gone.signal })) as object);
  } catch (error) {
    if (!(error instanceof AwsJsonError)) throw error;
    writeError(res, service.version, error);
  } finally {
    service.closing?.removeEventListener('abort', abort);
  }
}

/** A running AWS JSON server. */
export interface AwsJsonServer {
  url: string;
  /** Stops the server and drops open connections (the SDK keeps sockets alive). */
  close(): Promise<void>;
}

/** Serves `service` on `host:port` (127.0.0.1 and an ephemeral port by default). */
export async function serveAwsJson(
  service: AwsJsonService,
  options: { port?: number; host?: string } = {},
): Promise<AwsJsonServer> {
  const server: Server = createServer((req, res) => {
    answer(service, req, res).catch(() => writeError(res, service.version, service.internal));
  });
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The SDK keeps sockets alive; without this close() would wait for them to time out.
      server.closeAllConnections();
      await closed;
    },
  };
}
