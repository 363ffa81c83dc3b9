import { createHash } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretUnavailableError } from '../errors';
import { cachedJsonSecret } from '../shared/secrets';
import { webhookKey } from './sign';

/** A receiver of the stage's payout events. */
export interface WebhookEndpoint {
  /** Names the endpoint in queue messages, logs and dead letters. */
  id: string;
  url: string;
  /** `whsec_<base64>`, shared with the receiver. */
  secret: string;
}

/** Where the use case gets the endpoints configured now. */
export type EndpointsSource = () => Promise<readonly WebhookEndpoint[]>;

// Stays readable in SQS message attributes and logs.
const ID = /^[A-Za-z0-9_.:-]{1,80}$/;

/**
 * The default id of an endpoint without one: its host and a hash of host and path. The query
 * is left out, so a receiver can rotate a token there without orphaning messages in flight,
 * and the path only as a hash, as it may carry a token too.
 */
export function defaultEndpointId(url: string): string {
  const { host, pathname } = new URL(url);
  const hash = createHash('sha256').update(`${host}${pathname}`).digest('hex').slice(0, 12);
  return `${host}-${hash}`;
}

/**
 * Reads the endpoints from the secret `secretId` (`{"endpoints":[{"id","url","secret"}]}`) and
 * caches them per container for `ttlMs`, like the Paypro secret. Errors name the secret id and
 * the bad fields, never values.
 */
export function cachedWebhookEndpoints(
  client: SecretsManagerClient,
  secretId: string,
  ttlMs: number,
  now: () => number = Date.now,
): EndpointsSource {
  return cachedJsonSecret(client, secretId, ttlMs, (json) => parseEndpoints(secretId, json), now);
}

/** Checks the secret's JSON; throws a SecretUnavailableError listing every bad field. */
export function parseEndpoints(secretId: string, json: unknown): WebhookEndpoint[] {
  const list = isObject(json) ? json.endpoints : undefined;
  if (!Array.isArray(list)) {
    throw new SecretUnavailableError(`Secret ${secretId} must hold {"endpoints": [...]}; bad: endpoints.`);
  }
  const bad: string[] = [];
  const endpoints: WebhookEndpoint[] = [];
  const ids = new Set<string>();
  list.forEach((item: unknown, i) => {
    const field = `endpoints[${i}]`;
    const checked = checkEndpoint(item, field, bad);
    // Messages in flight name their endpoint by id, so two endpoints must never share one.
    if (checked.id === undefined) return;
    if (ids.has(checked.id)) bad.push(`${field}.id (duplicate)`);
    ids.add(checked.id);
    if (checked.endpoint) endpoints.push(checked.endpoint);
  });
  if (bad.length > 0) {
    throw new SecretUnavailableError(
      `Secret ${secretId} must hold endpoints of an http(s) url, a whsec_ secret and an optional id ` +
        `(1-80 of A-Z a-z 0-9 _ . : -), ids unique; bad: ${bad.join(', ')}.`,
    );
  }
  return endpoints;
}

/** One entry of the list: its id (given, or made from a good url), and the endpoint when it is good; bad fields added to `bad`. */
function checkEndpoint(
  item: unknown,
  field: string,
  bad: string[],
): { id?: string | undefined; endpoint?: WebhookEndpoint } {
  if (!isObject(item)) {
    bad.push(field);
    return {};
  }
  const { id, url, secret } = item;
  const urlOk = typeof url === 'string' && /^https?:\/\//i.test(url) && URL.canParse(url);
  if (!urlOk) bad.push(`${field}.url`);
  if (id !== undefined && (typeof id !== 'string' || !ID.test(id))) bad.push(`${field}.id`);
  if (typeof secret !== 'string' || !isWebhookSecret(secret)) bad.push(`${field}.secret`);
  const endpointId = typeof id === 'string' ? id : urlOk ? defaultEndpointId(url) : undefined;
  if (endpointId === undefined || !urlOk || typeof secret !== 'string') return { id: endpointId };
  return { id: endpointId, endpoint: { id: endpointId, url, secret } };
}

function isWebhookSecret(secret: string): boolean {
  try {
    webhookKey(secret);
    return true;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
