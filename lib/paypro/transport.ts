/*
 * What a failed Paypro call proves, read from the transport alone. The class decides what may
 * happen to a payout whose send failed (docs/payouts.md, "When Paypro fails"):
 * - `not-taken-in`: Paypro cannot have acted on the request (the connection was never made, or
 *   a gateway in front of Paypro answered for it), so the same tradeNo may be sent again once
 *   Paypro's query has said twice that it does not know it;
 * - `ambiguous`: the request may have reached Paypro (written, then no answer, or a 5xx from
 *   Paypro itself), so only a person who checked may send it again.
 * `unavailable` says the failure is a sign that Paypro is down (it counts towards the breaker);
 * `rateLimited` says Paypro asked us to slow down.
 */

/** What the transport proves about one failed Paypro call. */
export interface TransportFailure {
  /** `not-taken-in`: Paypro cannot have acted on it; `ambiguous`: it may have. */
  class: 'not-taken-in' | 'ambiguous';
  /** Refused or reset connections, timeouts, HTTP 5xx and 429: counted by the breaker. */
  unavailable: boolean;
  /** HTTP 429 or a "too many requests" refusal: the caller backs off; never a payout's failure. */
  rateLimited: boolean;
  /** One line for the payout's history and the logs (no body, no secret). */
  detail: string;
}

/** Whether Paypro can have taken a failed request in. */
export type SendFailureClass = TransportFailure['class'];

// The connection was never established: no byte of the request left this machine.
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
// TLS never completed, so the request was never written.
const TLS_FAILED =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|EPROTO$)/;
// Said by a gateway in front of Paypro when Paypro could not be reached or did not answer it.
const GATEWAY_STATUSES = new Set([502, 503, 504]);
// The server says the request was not processed and may be sent again.
const NOT_PROCESSED_STATUSES = new Set([408, 425, 429]);
// Paypro's messages come as words or as codes (`REJECTED_TRANSACTION`): spaces, `_` or `-` between.
const TOO_MANY_REQUESTS = /too[\s_-]*many[\s_-]*requests|rate[\s_-]*limit/i;

/** The error codes along an error's cause chain (Node's `code` on undici's `fetch failed`). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * A call that threw before any HTTP answer: `timedOut` when our own timeout ended it. A timeout
 * or reset after the request may have been written is ambiguous; a connection never made (refused,
 * DNS, TLS, connect timeout) is not taken in.
 */
export function classifyThrown(error: unknown, timedOut: boolean): TransportFailure {
  if (timedOut)
    return { class: 'ambiguous', unavailable: true, rateLimited: false, detail: 'no answer in time' };
  const codes = codesOf(error);
  const never = codes.find((code) => NEVER_CONNECTED.has(code));
  if (never) {
    return {
      class: 'not-taken-in',
      unavailable: true,
      rateLimited: false,
      detail: `connection failed (${never})`,
    };
  }
  const tls = codes.find((code) => TLS_FAILED.test(code));
  if (tls)
    return { class: 'not-taken-in', unavailable: true, rateLimited: false, detail: `TLS failed (${tls})` };
  const code = codes[0];
  return {
    class: 'ambiguous',
    unavailable: true,
    rateLimited: false,
    detail: code ? `connection lost (${code})` : 'connection lost',
  };
}

/**
 * An HTTP answer that is a failure by its status, or undefined when the status leaves it to the
 * body (2xx and the other 4xx). `hasEnvelope`: the body is Paypro's JSON envelope (a `code`),
 * which proves the answer came from Paypro itself and not from a gateway in front of it.
 */
export function classifyStatus(status: number, hasEnvelope: boolean): TransportFailure | undefined {
  if (status === 429) {
    return {
      class: 'not-taken-in',
      unavailable: true,
      rateLimited: true,
      detail: 'HTTP 429 too many requests',
    };
  }
  if (NOT_PROCESSED_STATUSES.has(status)) {
    return { class: 'not-taken-in', unavailable: true, rateLimited: false, detail: `HTTP ${status}` };
  }
  if (GATEWAY_STATUSES.has(status) && !hasEnvelope) {
    return {
      class: 'not-taken-in',
      unavailable: true,
      rateLimited: false,
      detail: `HTTP ${status} without Paypro's envelope`,
    };
  }
  if (status >= 500) {
    return {
      class: 'ambiguous',
      unavailable: true,
      rateLimited: false,
      detail: hasEnvelope ? `HTTP ${status} inside Paypro's envelope` : `HTTP ${status}`,
    };
  }
  return undefined;
}

/**
 * A refusal in Paypro's envelope that only asks us to slow down ("too many requests"): not taken
 * in, not a sign of an outage (Paypro answered), and never a payout's failure. Undefined otherwise.
 */
export function classifyRefusal(message: string | null | undefined): TransportFailure | undefined {
  if (!message || !TOO_MANY_REQUESTS.test(message)) return undefined;
  return {
    class: 'not-taken-in',
    unavailable: false,
    rateLimited: true,
    detail: 'Paypro asked to slow down',
  };
}

/** An answer Paypro gave (HTTP 2xx or 4xx) that cannot be read: it may have acted; not an outage. */
export function unreadableAnswer(detail: string): TransportFailure {
  return { class: 'ambiguous', unavailable: false, rateLimited: false, detail };
}
