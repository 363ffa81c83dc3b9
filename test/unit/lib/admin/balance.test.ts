import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { adminGetBalanceHandler } from '../../../../functions/admin-get-balance';
import type { BalanceDeps, ConfiguredCaps } from '../../../../lib/admin/balance';
import { FloatUnreadableError } from '../../../../lib/errors';
import type { InFlight } from '../../../../lib/float/in-flight';
import { dayKey } from '../../../../lib/limits/caps';
import type { PayproCredentials } from '../../../../lib/paypro/client';
import type { FloatBalance } from '../../../../lib/paypro/float-answers';
import { apiEvent, bodyOf, lambdaContext } from '../../../support/events';
import { InMemoryCapLedger } from '../../../support/fakes/cap-ledger';
import { FAKE_SECRET } from '../../../support/fakes/secrets';

// 09:00 in Kenya on 2026-11-25: the caps count that Kenya day.
const NOW = new Date('2026-11-25T06:00:00.000Z');
const IN_FLIGHT: InFlight = {
  openPayouts: { count: 3, amount: 450 },
  queuedItems: { count: 10, amount: 2000 },
  amount: 2450,
};
const ALL_CAPS: ConfiguredCaps = {
  dailyMaxAmount: 100_000,
  dailyMaxCount: 50,
  recipientDailyMaxAmount: 20_000,
  recipientDailyMaxCount: 5,
};

/** Paypro's Balance Inquiry in memory: a balance, or an unreadable one; every call's credentials kept. */
function balanceApi(answer: FloatBalance | FloatUnreadableError) {
  const calls: PayproCredentials[] = [];
  return {
    calls,
    queryBalance: async (credentials: PayproCredentials) => {
      calls.push(credentials);
      if (answer instanceof FloatUnreadableError) throw answer;
      return answer;
    },
  };
}

/** The composed handler over fakes: `used` already reserved against today's counter. */
async function handlerWith(options: {
  paypro: ReturnType<typeof balanceApi>;
  caps?: ConfiguredCaps;
  used?: { amount: number; count: number };
}) {
  const ledger = new InMemoryCapLedger();
  if (options.used) {
    await ledger.tryAdd(dayKey('2026-11-25'), options.used, { amount: 1e12, count: 1e12 }, 0);
  }
  const deps: BalanceDeps = {
    paypro: options.paypro,
    secret: async () => FAKE_SECRET,
    inFlight: { read: async () => IN_FLIGHT },
    caps: ledger,
    dailyCaps: options.caps ?? ALL_CAPS,
    now: () => NOW,
  };
  return adminGetBalanceHandler(deps);
}

/** GET /admin/balance as API Gateway delivers it after the IAM check. */
function balanceEvent(query?: Record<string, string>): APIGatewayProxyEvent {
  return {
    ...apiEvent({ method: 'GET', path: '/admin/balance', ...(query && { queryStringParameters: query }) }),
    requestContext: {
      identity: { userArn: 'arn:aws:iam::123456789012:user/ops-alice' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

describe('GET /admin/balance', () => {
  it("answers Paypro's figures read now, the money in flight, and today's caps against their limits", async () => {
    // Prepare
    const paypro = balanceApi({ available: 125_000.5, frozen: 300, unsettled: 1_000 });
    const handler = await handlerWith({ paypro, used: { amount: 30_250, count: 12 } });

    // Act
    const reply = await handler(balanceEvent(), lambdaContext());

    // Assess
    expect(reply.statusCode).toBe(200);
    expect(bodyOf(reply)).toEqual({
      paypro: { available: 125_000.5, frozen: 300, unsettled: 1_000, readAt: NOW.toISOString() },
      inFlight: IN_FLIGHT,
      caps: {
        day: '2026-11-25',
        dailyAmount: { limit: 100_000, used: 30_250, remaining: 69_750 },
        dailyCount: { limit: 50, used: 12, remaining: 38 },
        recipientDailyAmount: { limit: 20_000 },
        recipientDailyCount: { limit: 5 },
      },
    });
    expect(paypro.calls).toEqual([{ ...FAKE_SECRET }]);
  });

  it('says null for a cap the stage does not set, and shows a day nothing was paid as all remaining', async () => {
    // Prepare
    const paypro = balanceApi({ available: 0, frozen: 0, unsettled: 0 });
    const handler = await handlerWith({ paypro, caps: { dailyMaxAmount: 100_000 } });

    // Act
    const reply = await handler(balanceEvent(), lambdaContext());

    // Assess
    expect(bodyOf(reply).caps).toEqual({
      day: '2026-11-25',
      dailyAmount: { limit: 100_000, used: 0, remaining: 100_000 },
      dailyCount: null,
      recipientDailyAmount: null,
      recipientDailyCount: null,
    });
  });

  it("answers 503 with a plain message when Paypro's balance cannot be read, naming neither path nor code", async () => {
    // Prepare
    const paypro = balanceApi(
      new FloatUnreadableError('Paypro refused the balance inquiry (/api/queryBalance): code 1001.'),
    );
    const handler = await handlerWith({ paypro });

    // Act
    const reply = await handler(balanceEvent(), lambdaContext());

    // Assess
    expect(reply).toEqual({
      statusCode: 503,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: "Paypro's balance could not be read; try again later.",
      }),
    });
  });

  it('refuses (400) a query parameter, without asking Paypro', async () => {
    // Prepare
    const paypro = balanceApi({ available: 1, frozen: 0, unsettled: 0 });
    const handler = await handlerWith({ paypro });

    // Act
    const reply = await handler(balanceEvent({ fresh: 'true' }), lambdaContext());

    // Assess
    expect(reply.statusCode).toBe(400);
    expect(bodyOf(reply).errors).toEqual([{ field: 'fresh', message: expect.any(String) }]);
    expect(paypro.calls).toEqual([]);
  });

  it('answers 403 when no operator identity reached it, without asking Paypro', async () => {
    // Prepare
    const paypro = balanceApi({ available: 1, frozen: 0, unsettled: 0 });
    const handler = await handlerWith({ paypro });

    // Act
    const reply = await handler(apiEvent({ method: 'GET', path: '/admin/balance' }), lambdaContext());

    // Assess
    expect(reply.statusCode).toBe(403);
    expect(paypro.calls).toEqual([]);
  });
});
