import type { InFlight, InFlightReader } from '../float/in-flight';
import { dayKey } from '../limits/caps';
import type { CapLedger } from '../limits/store';
import type { FloatBalance, PayproFloatApi } from '../paypro/float-answers';
import type { PayproSecret } from '../paypro/secret';
import { kenyaDate } from '../shared/kenya-time';

/** The stage's cap settings as configured: a cap not set is absent. */
export interface ConfiguredCaps {
  dailyMaxAmount?: number;
  dailyMaxCount?: number;
  recipientDailyMaxAmount?: number;
  recipientDailyMaxCount?: number;
}

/** What GET /admin/balance reads: Paypro's balance, the money in flight, the day's cap counter. */
export interface BalanceDeps {
  paypro: Pick<PayproFloatApi, 'queryBalance'>;
  secret: () => Promise<PayproSecret>;
  inFlight: InFlightReader;
  caps: Pick<CapLedger, 'read'>;
  dailyCaps: ConfiguredCaps;
  now: () => Date;
}

/** One cap of the day's total: its limit, what the day has used of it and what is left. */
export interface CapUsage {
  limit: number;
  used: number;
  remaining: number;
}

/** A per-recipient cap: its limit only, as each recipient has a counter of their own. */
export interface RecipientCap {
  limit: number;
}

/** The Kenya day's caps against their limits; null for a cap the stage does not set. */
export interface CapsToday {
  day: string;
  dailyAmount: CapUsage | null;
  dailyCount: CapUsage | null;
  recipientDailyAmount: RecipientCap | null;
  recipientDailyCount: RecipientCap | null;
}

/** GET /admin/balance: Paypro's figures as read now, our money in flight, and today's caps. */
export interface AdminBalance {
  paypro: FloatBalance & { readAt: string };
  inFlight: InFlight;
  caps: CapsToday;
}

const usage = (limit: number | undefined, used: number): CapUsage | null =>
  limit === undefined ? null : { limit, used, remaining: Math.max(0, limit - used) };

const recipientCap = (limit: number | undefined): RecipientCap | null =>
  limit === undefined ? null : { limit };

/**
 * `GET /admin/balance`: Paypro's balance read fresh (FloatUnreadableError when it cannot be:
 * never a stale or guessed figure), the money in flight, and the Kenya day's cap counter against
 * the configured limits. The three reads go out together; `readAt` is when Paypro's answer came.
 */
export async function readBalance(deps: BalanceDeps): Promise<AdminBalance> {
  const day = kenyaDate(deps.now());
  const [paypro, inFlight, counted] = await Promise.all([
    deps.secret().then(async (credentials) => {
      const balance = await deps.paypro.queryBalance(credentials);
      return { ...balance, readAt: deps.now().toISOString() };
    }),
    deps.inFlight.read(),
    deps.caps.read(dayKey(day)),
  ]);
  const { dailyMaxAmount, dailyMaxCount, recipientDailyMaxAmount, recipientDailyMaxCount } = deps.dailyCaps;
  return {
    paypro,
    inFlight,
    caps: {
      day,
      dailyAmount: usage(dailyMaxAmount, counted.amount),
      dailyCount: usage(dailyMaxCount, counted.count),
      recipientDailyAmount: recipientCap(recipientDailyMaxAmount),
      recipientDailyCount: recipientCap(recipientDailyMaxCount),
    },
  };
}
