/** The body POSTed to an endpoint. */
export interface WebhookBody {
  /** The detail-type, lower-cased and dotted: `Payout Succeeded` → `payout.succeeded`. */
  type: string;
  /** When the event happened (the envelope's `time`), ISO 8601. */
  timestamp: string;
  /** The event's detail: the payout view (masked mobile) with `eventId`, `version`, `previousStatus`. */
  data: Record<string, unknown>;
}

/** An event as the webhooks carry it, read from the EventBridge envelope a queue message holds. */
export interface WebhookEvent {
  eventId: string;
  /** The webhook type: `payout.succeeded`, `batch.completed` … */
  type: string;
  timestamp: string;
  detail: Record<string, unknown>;
}

/** A webhook type from an EventBridge detail-type: `Payout Succeeded` → `payout.succeeded`. */
export function webhookType(detailType: string): string {
  return detailType.trim().toLowerCase().split(/\s+/).join('.');
}

/** The event an EventBridge envelope carries, or undefined when the text is not one. */
export function parseEvent(text: string): WebhookEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(json)) return undefined;
  const detailType = json['detail-type'];
  const { time, detail } = json;
  if (typeof detailType !== 'string' || detailType.trim() === '') return undefined;
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) return undefined;
  if (!isObject(detail) || typeof detail.eventId !== 'string' || detail.eventId === '') return undefined;
  return {
    eventId: detail.eventId,
    type: webhookType(detailType),
    timestamp: new Date(time).toISOString(),
    detail,
  };
}

/** The JSON body POSTed for an event. */
export function bodyOf(event: WebhookEvent): string {
  const body: WebhookBody = { type: event.type, timestamp: event.timestamp, data: event.detail };
  return JSON.stringify(body);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
