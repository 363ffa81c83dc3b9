import { describe, expect, it } from 'vitest';
import {
  classifyRefusal,
  classifyStatus,
  classifyThrown,
  type TransportFailure,
  unreadableAnswer,
} from '../../../../lib/paypro/transport';

/** An error as Node's fetch (undici) throws it: `fetch failed`, the socket's error as its cause. */
function fetchFailed(cause: unknown): Error {
  return new TypeError('fetch failed', { cause });
}

/** An error carrying a Node error code. */
function coded(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

const notTakenIn = (detail: string): TransportFailure => ({
  class: 'not-taken-in',
  unavailable: true,
  rateLimited: false,
  detail,
});
const ambiguous = (detail: string): TransportFailure => ({
  class: 'ambiguous',
  unavailable: true,
  rateLimited: false,
  detail,
});

describe('classifyThrown: a call that ended before any HTTP answer', () => {
  it.each([
    { code: 'ECONNREFUSED', case: 'a refused connection' },
    { code: 'ENOTFOUND', case: 'a name that does not resolve' },
    { code: 'EAI_AGAIN', case: 'a DNS server that did not answer' },
    { code: 'EHOSTUNREACH', case: 'an unreachable host' },
    { code: 'ENETUNREACH', case: 'an unreachable network' },
    { code: 'UND_ERR_CONNECT_TIMEOUT', case: 'a connection that was never made in time' },
  ])('proves $case ($code) was not taken in: no byte left this machine', ({ code }) => {
    // Act
    const failure = classifyThrown(fetchFailed(coded(code)), false);

    // Assess
    expect(failure).toEqual(notTakenIn(`connection failed (${code})`));
  });

  it.each([
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'EPROTO',
  ])('proves a failed TLS handshake (%s) was not taken in: the request is written only after it', (code) => {
    // Act
    const failure = classifyThrown(fetchFailed(coded(code)), false);

    // Assess
    expect(failure).toEqual(notTakenIn(`TLS failed (${code})`));
  });

  it('finds the code deeper in the cause chain (a connect error wrapped twice)', () => {
    // Prepare: Node's happy-eyeballs connect wraps each address's error in an AggregateError.
    const aggregate = Object.assign(new AggregateError([coded('ECONNREFUSED')], 'connect failed'), {
      cause: coded('ECONNREFUSED'),
    });

    // Act
    const failure = classifyThrown(fetchFailed(aggregate), false);

    // Assess
    expect(failure).toEqual(notTakenIn('connection failed (ECONNREFUSED)'));
  });

  it('calls our own timeout ambiguous: the request may have been written and acted on', () => {
    // Prepare
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');

    // Act
    const failure = classifyThrown(timeout, true);

    // Assess
    expect(failure).toEqual(ambiguous('no answer in time'));
  });

  it.each([
    { code: 'ECONNRESET', case: 'a reset after the request was written' },
    { code: 'UND_ERR_SOCKET', case: 'the other side closing the connection' },
    { code: 'EPIPE', case: 'a broken pipe while writing' },
  ])('calls $case ($code) ambiguous', ({ code }) => {
    // Act
    const failure = classifyThrown(fetchFailed(coded(code)), false);

    // Assess
    expect(failure).toEqual(ambiguous(`connection lost (${code})`));
  });

  it('calls a failure with no code at all ambiguous: nothing proves the request stayed here', () => {
    // Act
    const failure = classifyThrown(fetchFailed(new Error('something odd')), false);

    // Assess
    expect(failure).toEqual(ambiguous('connection lost'));
  });

  it('prefers the timeout to any code: our abort may have come after the request was written', () => {
    // Act
    const failure = classifyThrown(fetchFailed(coded('ECONNREFUSED')), true);

    // Assess
    expect(failure).toEqual(ambiguous('no answer in time'));
  });
});

describe('classifyStatus: an HTTP answer', () => {
  it.each([502, 503, 504])(
    'proves HTTP %i without Paypro’s envelope was not taken in: a gateway answered for Paypro',
    (status) => {
      // Act
      const failure = classifyStatus(status, false);

      // Assess
      expect(failure).toEqual(notTakenIn(`HTTP ${status} without Paypro's envelope`));
    },
  );

  it.each([502, 503, 504])(
    'calls HTTP %i inside Paypro’s envelope ambiguous: Paypro itself had the request',
    (status) => {
      // Act
      const failure = classifyStatus(status, true);

      // Assess
      expect(failure).toEqual(ambiguous(`HTTP ${status} inside Paypro's envelope`));
    },
  );

  it.each([
    { status: 500, envelope: false, detail: 'HTTP 500' },
    { status: 501, envelope: false, detail: 'HTTP 501' },
    { status: 505, envelope: false, detail: 'HTTP 505' },
    { status: 500, envelope: true, detail: "HTTP 500 inside Paypro's envelope" },
  ])(
    'calls HTTP $status (envelope: $envelope) ambiguous: the server may have acted before failing',
    ({ status, envelope, detail }) => {
      // Act
      const failure = classifyStatus(status, envelope);

      // Assess
      expect(failure).toEqual(ambiguous(detail));
    },
  );

  it.each([true, false])(
    'proves HTTP 429 (envelope: %s) was not taken in, and asks the caller to slow down',
    (envelope) => {
      // Act
      const failure = classifyStatus(429, envelope);

      // Assess
      expect(failure).toEqual({
        class: 'not-taken-in',
        unavailable: true,
        rateLimited: true,
        detail: 'HTTP 429 too many requests',
      });
    },
  );

  it.each([408, 425])('proves HTTP %i was not taken in: the server says it did not process it', (status) => {
    // Act
    const failure = classifyStatus(status, false);

    // Assess
    expect(failure).toEqual(notTakenIn(`HTTP ${status}`));
  });

  it.each([200, 201, 400, 401, 404, 409])('leaves HTTP %i to the body', (status) => {
    // Act and Assess
    expect(classifyStatus(status, true)).toBeUndefined();
    expect(classifyStatus(status, false)).toBeUndefined();
  });
});

describe('classifyRefusal: a refusal in Paypro’s envelope', () => {
  it.each([
    'Too many requests',
    'too many requests, try later',
    'TOO_MANY_REQUESTS',
    'Too-Many-Requests',
    'rate limit exceeded',
    'RATE_LIMIT',
  ])('reads "%s" as Paypro asking to slow down: not taken in, and Paypro is up', (message) => {
    // Act
    const failure = classifyRefusal(message);

    // Assess
    expect(failure).toEqual({
      class: 'not-taken-in',
      unavailable: false,
      rateLimited: true,
      detail: 'Paypro asked to slow down',
    });
  });

  it.each(['SIGN_ERROR', 'ORDER_NOT_EXIST', 'DUPLICATE_TRADE_NO', '', null, undefined])(
    'leaves any other refusal (%s) to the use case',
    (message) => {
      // Act and Assess
      expect(classifyRefusal(message)).toBeUndefined();
    },
  );
});

describe('unreadableAnswer', () => {
  it('calls an answer Paypro gave but that cannot be read ambiguous, and no sign of an outage', () => {
    // Act
    const failure = unreadableAnswer('Paypro answered /api/payout with a body that is not JSON.');

    // Assess
    expect(failure).toEqual({
      class: 'ambiguous',
      unavailable: false,
      rateLimited: false,
      detail: 'Paypro answered /api/payout with a body that is not JSON.',
    });
  });
});
