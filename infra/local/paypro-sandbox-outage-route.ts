/*
 * The sandbox-only route of the outages (paypro-sandbox-outage.ts), not Paypro's:
 *   GET  /sandbox/outage  the outage in effect, or {"mode":"none"}
 *   POST /sandbox/outage  {"mode":"503"|"refuse"|"hang","seconds":n} starts one (n whole, 1–3600),
 *                         replacing any in effect; {"mode":"none"} ends the one in effect now.
 * Bad input is answered HTTP 400 naming the field, and changes nothing. Under 'refuse' this route is
 * unreachable too until the outage ends by its own timer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type OutageControl, outageProblem, type SandboxOutage } from './paypro-sandbox-outage';
import { writeJson } from './paypro-sandbox-wire';
import { readBody } from './read-body';

/** An outage as the sandbox's JSON shows it (times in ISO 8601, endedAt null while in effect). */
export function outageJson(outage: SandboxOutage) {
  return {
    mode: outage.mode,
    seconds: outage.seconds,
    startedAt: outage.startedAt.toISOString(),
    endsAt: outage.endsAt.toISOString(),
    endedAt: outage.endedAt?.toISOString() ?? null,
    payoutRequests: outage.payoutRequests,
    requests: outage.requests,
  };
}

/** The outage in effect as GET /sandbox/outage answers it. */
function currentJson(control: OutageControl): string {
  const outage = control.current();
  return JSON.stringify(outage ? outageJson(outage) : { mode: 'none' });
}

/** Serves GET and POST /sandbox/outage; false for any other request. */
export function serveOutage(control: OutageControl, req: IncomingMessage, res: ServerResponse): boolean {
  const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
  if (path !== '/sandbox/outage') return false;
  if (req.method === 'GET') {
    writeJson(res, 200, currentJson(control));
  } else if (req.method === 'POST') {
    void changeFromRequest(control, req, res).catch(() => writeJson(res, 500, '{"error":"sandbox error"}'));
  } else {
    writeJson(res, 405, JSON.stringify({ error: 'GET or POST' }));
  }
  return true;
}

async function changeFromRequest(control: OutageControl, req: IncomingMessage, res: ServerResponse) {
  const body = parseObject(await readBody(req, 4096));
  if (body === undefined) {
    refuse(
      res,
      'body',
      'Send {"mode": "503" | "refuse" | "hang", "seconds": n} or {"mode": "none"} as JSON.',
    );
    return;
  }
  if (body.mode === 'none') {
    await control.end();
    writeJson(res, 200, currentJson(control));
    return;
  }
  const problem = outageProblem(body.mode, body.seconds);
  if (problem) {
    refuse(res, problem.field, problem.error);
    return;
  }
  await control.start(body.mode as SandboxOutage['mode'], body.seconds as number, (outage) => {
    // Under 'refuse' the connection goes once answered: the client must not keep it for a next call.
    if (outage.mode === 'refuse') res.setHeader('connection', 'close');
    writeJson(res, 200, JSON.stringify(outageJson(outage)));
    return res;
  });
}

function refuse(res: ServerResponse, field: string, error: string): void {
  writeJson(res, 400, JSON.stringify({ error, field }));
}

/** A JSON object body, or undefined (too large, not JSON, or not an object). */
function parseObject(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
