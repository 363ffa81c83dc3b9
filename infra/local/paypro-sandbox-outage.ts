/*
 * The sandbox's outages, for tests and demos (the sandbox's own, not Paypro's). For N seconds every
 * Paypro route (any path outside /sandbox/) fails as a provider that is down:
 * - '503': HTTP 503 with a gateway's HTML page, not Paypro's JSON envelope; nothing is recorded;
 * - 'refuse': nothing listens. The listening socket is closed and open connections are dropped,
 *   so a client's connect is refused (ECONNREFUSED); at the end it listens again on the same host
 *   and port, by its own timer. The sandbox-only routes are unreachable meanwhile too;
 * - 'hang': the request is read and never answered, nothing is recorded; its socket is destroyed
 *   when the outage ends, so a client with a timeout sees its own timeout first.
 * Only Paypro's inbound routes fail: payouts already accepted keep settling, and the callbacks the
 * sandbox owes keep their own schedule, in every mode. Each outage counts the requests that reached
 * the sandbox meanwhile (none under 'refuse'), payout requests apart: a test bounds what a service
 * sends into an outage with it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen } from './listen';
import { readBody } from './read-body';

/** How Paypro's routes fail during an outage. */
export const OUTAGE_MODES = ['503', 'refuse', 'hang'] as const;
export type OutageMode = (typeof OUTAGE_MODES)[number];

/** The longest outage, seconds: an hour is more than any test or demo needs. */
export const MAX_OUTAGE_S = 3600;

/** One outage, in effect or over. */
export interface SandboxOutage {
  mode: OutageMode;
  seconds: number;
  startedAt: Date;
  /** When it ends (ended) by its own timer. */
  endsAt: Date;
  /** When it ended, at endsAt or earlier when ended early; absent while in effect. */
  endedAt?: Date;
  /** POST /api/payout requests that reached the sandbox during it (none under 'refuse'). */
  payoutRequests: number;
  /** Requests to any Paypro route during it, payouts included (none under 'refuse'). */
  requests: number;
}

/** The outages of one sandbox: started and ended from code or over HTTP, and applied to requests. */
export interface OutageControl {
  /**
   * Starts an outage (ending the one in effect, if any) and resolves once it is in effect.
   * `reply`, when given, is called once the outage is recorded and answers the request that asked
   * for it: under 'refuse' that answer is written before the open connections are dropped.
   */
  start(
    mode: OutageMode,
    seconds: number,
    reply?: (outage: SandboxOutage) => ServerResponse,
  ): Promise<SandboxOutage>;
  /** Ends the outage in effect now (no-op if none); resolves once the sandbox serves again. */
  end(): Promise<void>;
  /** The outage in effect, or undefined. */
  current(): SandboxOutage | undefined;
  /** Every outage so far, oldest first. */
  history(): SandboxOutage[];
  /** Fails a Paypro request as the outage in effect says; false when none is (the caller serves it). */
  intercept(req: IncomingMessage, res: ServerResponse): boolean;
  /** Forgets held sockets and timers and never listens again (the sandbox is closing). */
  close(): void;
}

// What a gateway in front of a provider answers while the provider is down: HTML, not Paypro's JSON.
const GATEWAY_PAGE =
  '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n' +
  '<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n' +
  '</body>\r\n</html>\r\n';
const MAX_BODY_BYTES = 64 * 1024;
// Listening again can meet the port taken for a moment; try for about 10 s, then say so.
const RELISTEN_ATTEMPTS = 40;
const RELISTEN_PAUSE_MS = 250;
const ANSWER_GRACE_MS = 2_000;

/** Whether `mode` and `seconds` make an outage; the message names the field that does not. */
export function outageProblem(mode: unknown, seconds: unknown): { field: string; error: string } | undefined {
  if (typeof mode !== 'string' || !(OUTAGE_MODES as readonly string[]).includes(mode)) {
    return { field: 'mode', error: `mode must be one of ${[...OUTAGE_MODES, 'none'].join(', ')}` };
  }
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_OUTAGE_S) {
    return { field: 'seconds', error: `seconds must be a whole number from 1 to ${MAX_OUTAGE_S}` };
  }
  return undefined;
}

/** The outages of `server`, which listens on `host` (a 'refuse' outage listens again on its port). */
export function outageControl(server: Server, host: string): OutageControl {
  const outages: SandboxOutage[] = [];
  const held = new Set<ServerResponse>();
  let inEffect: SandboxOutage | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // The port it listened on before a 'refuse' outage (bound, when it was started on port 0).
  let port = 0;
  // Starts and ends run one at a time, so an end never races the start that follows it.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  /**
   * Stops listening at once, then lets `answer` write its reply and drops the open connections once
   * that reply has gone out: whoever reads it finds nothing listening any more.
   */
  async function stopListening(answer: () => ServerResponse | undefined): Promise<void> {
    const address = server.address() as AddressInfo | null;
    if (address) port = address.port;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    const answered = answer();
    if (answered && !answered.destroyed) {
      // Its 'close' comes once the reply went out; the pause only bounds a client that never reads it.
      await new Promise((resolve) => {
        answered.once('close', resolve);
        setTimeout(resolve, ANSWER_GRACE_MS).unref();
      });
    }
    server.closeAllConnections();
    await stopped;
  }

  async function listenAgain(): Promise<void> {
    for (let attempt = 1; !closed; attempt += 1) {
      try {
        await listen(server, port, host);
        // close() came while it was listening again: the sandbox stays closed.
        if (closed) server.close();
        return;
      } catch (error) {
        if (attempt >= RELISTEN_ATTEMPTS) {
          console.error(`[paypro sandbox] could not listen again on ${host}:${port}: ${String(error)}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RELISTEN_PAUSE_MS));
      }
    }
  }

  async function endNow(): Promise<void> {
    const outage = inEffect;
    if (!outage) return;
    clearTimeout(timer);
    timer = undefined;
    inEffect = undefined;
    outage.endedAt = new Date();
    // The held requests are never answered: their sockets go, as a dead provider's would.
    for (const res of held) res.destroy();
    held.clear();
    if (outage.mode === 'refuse') await listenAgain();
  }

  async function startNow(
    mode: OutageMode,
    seconds: number,
    reply?: (outage: SandboxOutage) => ServerResponse,
  ): Promise<SandboxOutage> {
    await endNow();
    const startedAt = new Date();
    const outage: SandboxOutage = {
      mode,
      seconds,
      startedAt,
      endsAt: new Date(startedAt.getTime() + seconds * 1000),
      payoutRequests: 0,
      requests: 0,
    };
    outages.push(outage);
    inEffect = outage;
    // Not unref'd: while refusing, nothing else may hold the process open until it listens again.
    timer = setTimeout(() => void serially(endNow), seconds * 1000);
    if (mode === 'refuse') await stopListening(() => reply?.(outage));
    else reply?.(outage);
    return outage;
  }

  return {
    start: (mode, seconds, reply) => {
      const problem = outageProblem(mode, seconds);
      if (problem) return Promise.reject(new Error(problem.error));
      if (closed) return Promise.reject(new Error('the sandbox is closed'));
      return serially(() => startNow(mode, seconds, reply));
    },
    end: () => serially(endNow),
    current: () => inEffect,
    history: () => [...outages],
    intercept: (req, res) => {
      const outage = inEffect;
      const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
      if (!outage || path.startsWith('/sandbox/')) return false;
      req.on('error', () => undefined);
      res.on('error', () => undefined);
      if (outage.mode === 'refuse') {
        // A connection that outlived the listener for a moment: dropped like the others, uncounted.
        res.destroy();
        return true;
      }
      outage.requests += 1;
      if (req.method === 'POST' && path === '/api/payout') outage.payoutRequests += 1;
      if (outage.mode === 'hang') {
        held.add(res);
        res.once('close', () => held.delete(res));
        req.resume();
        return true;
      }
      // Read first, so a client still sending its body gets the answer rather than a broken pipe.
      void readBody(req, MAX_BODY_BYTES)
        .catch(() => undefined)
        .then(() => answerUnavailable(res));
      return true;
    },
    close: () => {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      held.clear();
    },
  };
}

/** HTTP 503 with the gateway's HTML page, unless the client has gone. */
function answerUnavailable(res: ServerResponse): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(503, {
    'content-type': 'text/html',
    'content-length': Buffer.byteLength(GATEWAY_PAGE),
  });
  res.end(GATEWAY_PAGE);
}
