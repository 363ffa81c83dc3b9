import { PayoutNotFoundError, ValidationError } from '../errors';
import type { Payout } from './payout';
import { TRADE_NO_PATTERN } from './schema';
import type { PayoutReader } from './store';

/** Reads one payout by tradeNo; ValidationError for a malformed tradeNo, PayoutNotFoundError if none. */
export async function getPayout(repository: PayoutReader, tradeNo: string | undefined): Promise<Payout> {
  if (tradeNo === undefined || !TRADE_NO_PATTERN.test(tradeNo)) {
    throw new ValidationError([{ field: 'tradeNo', message: 'must be 1 to 64 letters, digits, "_" or "-"' }]);
  }
  const payout = await repository.get(tradeNo);
  if (!payout) throw new PayoutNotFoundError(tradeNo);
  return payout;
}
