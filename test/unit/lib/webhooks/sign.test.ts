import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { InvalidWebhookSecretError } from '../../../../lib/errors';
import { generateWebhookSecret, signWebhook, webhookKey } from '../../../../lib/webhooks/sign';

// Verification is the standardwebhooks package's own, so these check our signatures against the spec.
const BODY = '{"type":"payout.succeeded","timestamp":"2026-11-23T10:00:00.000Z","data":{"tradeNo":"t-1"}}';
const ID = 'evt_2f1c';

function headers(secret: string, timestampSeconds: number, body = BODY): Record<string, string> {
  return {
    'webhook-id': ID,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook(secret, ID, timestampSeconds, body),
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('signWebhook', () => {
  it('signs so that standardwebhooks verifies the body', () => {
    // Prepare
    const secret = generateWebhookSecret();
    // Act
    const verified = new Webhook(secret).verify(BODY, headers(secret, nowSeconds()));
    // Assess
    expect(verified).toEqual(JSON.parse(BODY));
  });

  it('matches the specification example and the package signing the same message', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const payload = '{"test": 2432232314}';

    const signature = signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, payload);

    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    expect(signature).toBe(
      new Webhook(secret).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330_000), payload),
    );
  });

  it('fails verification for a tampered body', () => {
    const secret = generateWebhookSecret();
    const signed = headers(secret, nowSeconds());

    expect(() => new Webhook(secret).verify(BODY.replace('t-1', 't-2'), signed)).toThrow(
      new WebhookVerificationError('No matching signature found'),
    );
  });

  it('fails verification with another secret', () => {
    const signed = headers(generateWebhookSecret(), nowSeconds());

    expect(() => new Webhook(generateWebhookSecret()).verify(BODY, signed)).toThrow(
      new WebhookVerificationError('No matching signature found'),
    );
  });

  it('fails verification outside the 5-minute tolerance, and passes inside it', () => {
    const secret = generateWebhookSecret();
    const receiver = new Webhook(secret);

    expect(() => receiver.verify(BODY, headers(secret, nowSeconds() - 6 * 60))).toThrow(
      new WebhookVerificationError('Message timestamp too old'),
    );
    expect(() => receiver.verify(BODY, headers(secret, nowSeconds() + 6 * 60))).toThrow(
      new WebhookVerificationError('Message timestamp too new'),
    );
    expect(receiver.verify(BODY, headers(secret, nowSeconds() - 4 * 60))).toEqual(JSON.parse(BODY));
  });
});

describe('generateWebhookSecret', () => {
  it('makes whsec_ and the base64 of 24 fresh random bytes', () => {
    const first = generateWebhookSecret();
    const second = generateWebhookSecret();

    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(webhookKey(first)).toHaveLength(24);
    expect(second).not.toBe(first);
  });
});

describe('webhookKey', () => {
  it.each([
    ['no prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['an empty key', 'whsec_'],
    ['not base64', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa!w'],
    ['missing padding', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS'],
    ['a key under 24 bytes', `whsec_${Buffer.alloc(16, 7).toString('base64')}`],
    ['a key over 64 bytes', `whsec_${Buffer.alloc(65, 7).toString('base64')}`],
  ])('refuses %s without quoting the secret', (_, secret) => {
    const error = (() => {
      try {
        return webhookKey(secret);
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(InvalidWebhookSecretError);
    expect((error as Error).message).toBe(
      'A webhook secret must be whsec_ followed by the base64 of 24 to 64 random bytes.',
    );
    expect(() => signWebhook(secret, ID, nowSeconds(), BODY)).toThrow(InvalidWebhookSecretError);
  });
});
