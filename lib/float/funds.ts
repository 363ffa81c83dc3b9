import { FloatUnreadableError } from '../errors';
import type { PayproCredentials } from '../paypro/client';
import type { PayproFloatApi } from '../paypro/float-answers';
import type { FundsGate } from './funds-gate';
import type { InFlightReader } from './in-flight';

/** Oldest a balance may be when a batch is let through on it: older, and the batch waits for a fresh one. */
export const MAX_BALANCE_AGE_MS = 60_000;

/**
 * What a funds check saw, in KES: Paypro's `available` balance (absent when it could not be read,
 * `readError` then says why), the money already in flight, and what the batch needs; `checkedAt`
 * is when the balance was read (or tried).
 */
export interface FundsReading {
  available?: number;
  inFlight: number;
  needed: number;
  checkedAt: string;
  readError?: string;
}

/** Whether a reading lets the batch go, and in words why or why not. */
export interface FundsVerdict {
  covered: boolean;
  reason: string;
}

/**
 * The funds check itself: covered when the balance was read at most MAX_BALANCE_AGE_MS before
 * `decidedAt` and what is available, less what is in flight, is at least what the batch needs.
 */
export function judgeFunds(reading: FundsReading, decidedAt: Date): FundsVerdict {
  if (reading.available === undefined) {
    return { covered: false, reason: `the balance could not be read: ${reading.readError ?? 'unknown'}` };
  }
  const age = decidedAt.getTime() - Date.parse(reading.checkedAt);
  if (!(age <= MAX_BALANCE_AGE_MS)) {
    return { covered: false, reason: `the balance is ${Math.round(age / 1000)} s old, older than 60 s` };
  }
  const free = reading.available - reading.inFlight;
  if (free >= reading.needed) {
    return { covered: true, reason: `${free} KES free covers ${reading.needed} KES` };
  }
  return {
    covered: false,
    reason: `${reading.available} KES available less ${reading.inFlight} KES in flight leaves ${free} KES, short of ${reading.needed} KES`,
  };
}

/** What reading the funds needs: Paypro's balance call with the merchant's credentials, and the money in flight. */
export interface FundsReadDeps {
  float: Pick<PayproFloatApi, 'queryBalance'>;
  credentials: () => Promise<PayproCredentials>;
  inFlight: InFlightReader;
  now: () => Date;
}

/**
 * Reads the money in flight, then Paypro's balance (last, so it is the freshest figure and a
 * payout that left the in-flight count meanwhile is already debited from it). An unreadable
 * balance is a reading without `available`, never an error: the batch then waits.
 */
export async function readFunds(deps: FundsReadDeps, needed: number): Promise<FundsReading> {
  const inFlight = (await deps.inFlight.read()).amount;
  const credentials = await deps.credentials();
  const checkedAt = deps.now().toISOString();
  try {
    const balance = await deps.float.queryBalance(credentials);
    return { available: balance.available, inFlight, needed, checkedAt };
  } catch (error) {
    if (!(error instanceof FloatUnreadableError)) throw error;
    return { inFlight, needed, checkedAt, readError: error.message };
  }
}

/** Where a batch's funds check reads from, and the gate its decision is taken under. */
export interface FundsSources extends Omit<FundsReadDeps, 'now'> {
  gate: FundsGate;
}
