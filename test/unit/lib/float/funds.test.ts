import { describe, expect, it } from 'vitest';
import { FloatUnreadableError, StoreUnavailableError } from '../../../../lib/errors';
import { type FundsReading, judgeFunds, readFunds } from '../../../../lib/float/funds';
import type { InFlight } from '../../../../lib/float/in-flight';
import type { PayproCredentials } from '../../../../lib/paypro/client';
import type { FloatBalance } from '../../../../lib/paypro/float-answers';

const READ_AT = '2026-11-30T08:00:00.000Z';
const at = (secondsLater: number) => new Date(Date.parse(READ_AT) + secondsLater * 1000);
const reading = (figures: Partial<FundsReading>): FundsReading => ({
  available: 10_000,
  inFlight: 0,
  needed: 5_000,
  checkedAt: READ_AT,
  ...figures,
});

describe('judgeFunds', () => {
  it('lets a batch through when the available balance covers its total with room to spare', () => {
    expect(judgeFunds(reading({ available: 10_000, needed: 5_000 }), at(1))).toEqual({
      covered: true,
      reason: '10000 KES free covers 5000 KES',
    });
  });

  it('holds a batch whose total is more than the float', () => {
    expect(judgeFunds(reading({ available: 4_999, needed: 5_000 }), at(1))).toEqual({
      covered: false,
      reason: '4999 KES available less 0 KES in flight leaves 4999 KES, short of 5000 KES',
    });
  });

  it('lets a batch through whose total is exactly what is free', () => {
    expect(judgeFunds(reading({ available: 7_000, inFlight: 2_000, needed: 5_000 }), at(1))).toEqual({
      covered: true,
      reason: '5000 KES free covers 5000 KES',
    });
  });

  it('counts the money already in flight against the balance', () => {
    expect(judgeFunds(reading({ available: 10_000, inFlight: 6_000, needed: 5_000 }), at(1))).toEqual({
      covered: false,
      reason: '10000 KES available less 6000 KES in flight leaves 4000 KES, short of 5000 KES',
    });
  });

  it('lets nothing through on a balance read more than 60 s before the decision, however large', () => {
    const rich = reading({ available: 1_000_000, needed: 5_000 });

    expect(judgeFunds(rich, at(60)).covered).toBe(true);
    expect(judgeFunds(rich, at(61))).toEqual({
      covered: false,
      reason: 'the balance is 61 s old, older than 60 s',
    });
  });

  it('lets nothing through when the balance could not be read, and says why', () => {
    const unread: FundsReading = {
      inFlight: 0,
      needed: 5_000,
      checkedAt: READ_AT,
      readError: 'Paypro did not answer',
    };

    expect(judgeFunds(unread, at(1))).toEqual({
      covered: false,
      reason: 'the balance could not be read: Paypro did not answer',
    });
  });
});

const CREDENTIALS: PayproCredentials = { merchantNo: '0000000001', appSecret: 'secret' };
const IN_FLIGHT: InFlight = {
  openPayouts: { count: 2, amount: 300 },
  queuedItems: { count: 1, amount: 200 },
  amount: 500,
};

function sources(balance: () => Promise<FloatBalance>) {
  const order: string[] = [];
  const asked: PayproCredentials[] = [];
  return {
    order,
    asked,
    deps: {
      float: {
        queryBalance: async (credentials: PayproCredentials) => {
          order.push('balance');
          asked.push(credentials);
          return balance();
        },
      },
      credentials: async () => CREDENTIALS,
      inFlight: {
        read: async () => {
          order.push('in-flight');
          return IN_FLIGHT;
        },
      },
      now: () => new Date(READ_AT),
    },
  };
}

describe('readFunds', () => {
  it("reads the money in flight, then Paypro's balance with the merchant's credentials", async () => {
    // Prepare
    const s = sources(async () => ({ available: 9_000, frozen: 100, unsettled: 50 }));

    // Act
    const result = await readFunds(s.deps, 4_000);

    // Assess
    expect(result).toEqual({ available: 9_000, inFlight: 500, needed: 4_000, checkedAt: READ_AT });
    expect(s.order).toEqual(['in-flight', 'balance']);
    expect(s.asked).toEqual([CREDENTIALS]);
  });

  it('answers an unreadable balance with a reading that says why, not an error', async () => {
    // Prepare
    const s = sources(async () => {
      throw new FloatUnreadableError('Paypro refused the balance inquiry: 1001 SIGN_ERROR');
    });

    // Act
    const result = await readFunds(s.deps, 4_000);

    // Assess
    expect(result).toEqual({
      inFlight: 500,
      needed: 4_000,
      checkedAt: READ_AT,
      readError: 'Paypro refused the balance inquiry: 1001 SIGN_ERROR',
    });
  });

  it('lets any other failure through to the caller', async () => {
    // Prepare
    const s = sources(async () => {
      throw new StoreUnavailableError('the store is down');
    });

    // Act
    const failed = await readFunds(s.deps, 4_000).catch((e: unknown) => e);

    // Assess
    expect(failed).toBeInstanceOf(StoreUnavailableError);
  });
});
