import type { PayoutRecord } from '../paypro/client';
import { kenyaTimeToIso } from '../shared/kenya-time';
import type { PayproReport } from './settle';

/** Paypro's query answer as a report for the state machine, its Kenya time made UTC. */
export function reportFromQuery(record: PayoutRecord): PayproReport & { amount: string } {
  const successTime = record.successTime ? kenyaTimeToIso(record.successTime) : undefined;
  return {
    status: record.status,
    message: record.message,
    amount: record.amount,
    ...(record.platFormTradeNo && { platFormTradeNo: record.platFormTradeNo }),
    ...(successTime && { successTime }),
  };
}
