import { createHmac, randomBytes } from 'node:crypto';
import { InvalidWebhookSecretError } from '../errors';

/*
 * Standard Webhooks (https://www.standardwebhooks.com/): the receiver checks
 * `webhook-signature` = `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)) with the
 * key it shares with us, and refuses timestamps more than 5 minutes from its clock.
 */

const PREFIX = 'whsec_';
// Strict, padded base64: a lenient decode would silently sign with a key the receiver does not have.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// The specification's recommended key sizes.
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

/** The HMAC key of a `whsec_<base64>` secret; throws InvalidWebhookSecretError (without the value) otherwise. */
export function webhookKey(secret: string): Buffer {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : '';
  if (encoded === '' || !BASE64.test(encoded)) throw new InvalidWebhookSecretError();
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) throw new InvalidWebhookSecretError();
  return key;
}

/** The `webhook-signature` header value for one delivery attempt. */
export function signWebhook(
  secret: string,
  webhookId: string,
  timestampSeconds: number,
  body: string,
): string {
  const digest = createHmac('sha256', webhookKey(secret))
    .update(`${webhookId}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${digest}`;
}

/** A new signing secret to share with a receiver: `whsec_` + base64 of 24 random bytes. */
export function generateWebhookSecret(): string {
  return `${PREFIX}${randomBytes(MIN_KEY_BYTES).toString('base64')}`;
}
