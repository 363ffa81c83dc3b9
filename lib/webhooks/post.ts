import type { WebhookEndpoint } from './endpoints';
import { signWebhook } from './sign';
import { bodyOf, type WebhookEvent } from './webhook-event';

/** Sent as `user-agent`, so receivers can tell our calls apart. */
export const WEBHOOK_USER_AGENT = 'paypro-payouts-webhooks/1';

/** What one POST needs besides the endpoint and the event. */
export interface PostOptions {
  timeoutMs: number;
  now: () => Date;
  fetch?: typeof fetch;
}

/** How one POST ended: delivered (2xx), rejected for good (other 4xx), or worth another try. */
export type AttemptResult =
  | { kind: 'delivered' | 'rejected'; status: number }
  | { kind: 'retry'; status: number | 'timeout' | 'connection-error' };

/** POSTs one signed event to one endpoint, once. */
export async function post(
  deps: PostOptions,
  endpoint: WebhookEndpoint,
  event: WebhookEvent,
): Promise<AttemptResult> {
  const body = bodyOf(event);
  // Signed per attempt: receivers refuse timestamps more than 5 minutes from their clock.
  const timestamp = Math.floor(deps.now().getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    'webhook-id': event.eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(endpoint.secret, event.eventId, timestamp, body),
  };
  const fetchFn = deps.fetch ?? globalThis.fetch;
  let status: number;
  try {
    const response = await fetchFn(endpoint.url, {
      method: 'POST',
      headers,
      body,
      // A redirect is the receiver's misconfiguration, not ours to follow with a signed body.
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    status = response.status;
    // Only the status matters; releasing the body frees the connection.
    await response.body?.cancel().catch(() => undefined);
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { kind: 'retry', status: timedOut ? 'timeout' : 'connection-error' };
  }
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', status };
  return { kind: 'rejected', status };
}
