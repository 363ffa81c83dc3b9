/*
 * The sandbox's callbacks: the final result POSTed to a payout's notifyUrl, retried on Paypro's
 * (compressed) schedule until answered `OK`, each attempt recorded.
 */
import {
  type CallbackAttempt,
  resultJson,
  SANDBOX_MOBILES,
  type SandboxPayout,
  type SandboxState,
  STATUS,
  sleep,
} from './paypro-sandbox-model';

const CALLBACK_TIMEOUT_MS = 5_000;

/** Posts the final result to the payout's notifyUrl, as its mobile scripts. */
export function notify(state: SandboxState, record: SandboxPayout): void {
  const { notifyUrl } = record;
  const silent =
    record.mobile === SANDBOX_MOBILES.neverCallsBack || record.mobile === SANDBOX_MOBILES.succeedsQuietly;
  if (notifyUrl === undefined || silent) return;
  const final = { body: resultJson(record), status: record.status };
  const retries = state.options.callbackScheduleMs;
  if (record.mobile !== SANDBOX_MOBILES.callsBackTwice) {
    void deliver(state, record.tradeNo, notifyUrl, final, retries);
    return;
  }
  // Two independent deliveries of the final result, then a stale 'processing' one, sent once.
  const stale = {
    body: resultJson({ ...record, ...STATUS.processing, successTime: undefined }),
    status: STATUS.processing.status,
  };
  void Promise.all([
    deliver(state, record.tradeNo, notifyUrl, final, retries),
    deliver(state, record.tradeNo, notifyUrl, final, retries),
  ]).then(() => deliver(state, record.tradeNo, notifyUrl, stale, []));
}

/**
 * Posts a callback until it is answered OK: at once, then again after each delay in `retries`.
 * Resolves when answered OK or given up; never resolves once close() has run.
 */
async function deliver(
  state: SandboxState,
  tradeNo: string,
  url: string,
  callback: { body: string; status: string },
  retries: readonly number[],
): Promise<void> {
  for (let attempt = 0; !state.closed; attempt += 1) {
    if (await postCallback(state, tradeNo, url, callback)) return;
    const delay = retries[attempt];
    if (delay === undefined) return;
    await sleep(state, delay);
  }
}

/** One callback POST, recorded in callbackAttempts; true when answered HTTP 200 with body OK. */
async function postCallback(
  state: SandboxState,
  tradeNo: string,
  url: string,
  callback: { body: string; status: string },
): Promise<boolean> {
  const controller = new AbortController();
  const attempt: CallbackAttempt = { at: new Date(), status: callback.status, answeredOk: false };
  const run = (async () => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: callback.body,
        redirect: 'manual',
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
      });
      attempt.httpStatus = response.status;
      const text = await response.text();
      attempt.answeredOk = response.status === 200 && text.trim() === 'OK';
    } catch {
      // Connection error, timeout or close(): not answered.
    }
  })();
  state.inFlight.set(controller, run);
  try {
    await run;
  } finally {
    state.inFlight.delete(controller);
  }
  const attempts = state.attempts.get(tradeNo) ?? [];
  attempts.push(attempt);
  state.attempts.set(tradeNo, attempts);
  return attempt.answeredOk;
}
