/*
 * What bench/outage.ts measures (issue 24's "done when" through npm start): the scenario's size,
 * the targets, the figures of each scenario, and the rows of docs/performance.md's outage section.
 */
import { type Row, thousands, verdict } from './table';

/** The batch sending when Paypro fails, and how long Paypro fails. */
export const ITEMS = 1_000;
export const OUTAGE_S = 60;
/** send-batch-items at once: as a merchant paying a large payroll sets batchSendConcurrency. */
export const SEND_CONCURRENCY = 6;
/** PAYPRO_BREAKER_FAILURES: with the send concurrency, it bounds the items a hang leaves ambiguous. */
export const BREAKER_FAILURES = 5;
/** The issue's targets: payout requests into a 503 outage, and recovery to COMPLETED. */
export const MAX_SENT_INTO_OUTAGE = 30;
export const RECOVERY_TARGET_MS = 5 * 60_000;

/** The 503 scenario's figures. */
export interface GatewayOutageResults {
  sentIntoOutage: number;
  failed: number;
  /** From the outage's end until the batch was seen COMPLETED; NaN when it was not seen within the bench's wait. */
  recoveryMs: number;
  finalStatus: string;
  succeeded: number;
  accepted: number;
  repeated: number;
  unavailableWebhooks: number;
  restoredWebhooks: number;
}

/** The hang scenario's figures. */
export interface HangOutageResults {
  sentIntoOutage: number;
  /** Items left open and flagged for a person once every other item was paid. */
  ambiguous: number;
  paidWithoutAPerson: number;
  /** The operator's resend replies, by HTTP status. */
  resends: Record<string, number>;
  finalStatus: string;
  succeeded: number;
  repeated: number;
}

/** Both scenarios' figures. */
export interface OutageResults {
  gateway: GatewayOutageResults;
  hang: HangOutageResults;
}

/** The rows of docs/performance.md's outage section. */
export function outageRows({ gateway: g, hang: h }: OutageResults): Row[] {
  const scene = `${thousands(ITEMS)}-item batch sending (npm start, send concurrency ${SEND_CONCURRENCY}), Paypro failing for ${OUTAGE_S} s`;
  const bound = SEND_CONCURRENCY * BREAKER_FAILURES;
  const minutes = (ms: number) =>
    Number.isNaN(ms) ? 'not within 15 min' : `${(ms / 60_000).toFixed(1)} min`;
  return [
    {
      metric: `503 outage, ${scene}: payout requests reaching Paypro during it`,
      figure: thousands(g.sentIntoOutage),
      target: `≤ ${MAX_SENT_INTO_OUTAGE}`,
      result: verdict(g.sentIntoOutage <= MAX_SENT_INTO_OUTAGE),
    },
    {
      metric: '503 outage: items FAILED or REJECTED',
      figure: String(g.failed),
      target: '0',
      result: verdict(g.failed === 0),
    },
    {
      metric: '503 outage: from recovery until the batch is COMPLETED, all SUCCEEDED, no person acting',
      figure: `${minutes(g.recoveryMs)}; ${g.finalStatus}, ${thousands(g.succeeded)} SUCCEEDED`,
      target: '≤ 5 min, COMPLETED',
      result: verdict(
        g.recoveryMs <= RECOVERY_TARGET_MS && g.finalStatus === 'COMPLETED' && g.succeeded === ITEMS,
      ),
    },
    {
      metric: '503 outage: tradeNos Paypro received more than once',
      figure: `${g.repeated} (${thousands(g.accepted)} accepted)`,
      target: '0, every item accepted',
      result: verdict(g.repeated === 0 && g.accepted === ITEMS),
    },
    {
      metric: '503 outage: paypro.unavailable / paypro.restored webhooks',
      figure: `${g.unavailableWebhooks} / ${g.restoredWebhooks}`,
      target: '1 / 1',
      result: verdict(g.unavailableWebhooks === 1 && g.restoredWebhooks === 1),
    },
    {
      metric: `hang outage (timeouts), ${scene}: items left ambiguous and flagged; the rest paid without a person`,
      figure: `${h.ambiguous} flagged, ${thousands(h.paidWithoutAPerson)} paid (${h.sentIntoOutage} payout requests during it)`,
      target: `≤ ${bound} (send concurrency × PAYPRO_BREAKER_FAILURES), all others paid`,
      result: verdict(h.ambiguous <= bound && h.ambiguous + h.paidWithoutAPerson === ITEMS),
    },
    {
      metric: "hang outage: an operator's verify and resend of each flagged payout",
      figure: `resend replies ${
        Object.entries(h.resends)
          .map(([s, n]) => `${s}×${n}`)
          .join(', ') || 'none'
      }; ${h.finalStatus}, ${thousands(h.succeeded)} SUCCEEDED; ${h.repeated} tradeNos received twice`,
      target: 'COMPLETED, every item paid once',
      result: verdict(h.finalStatus === 'COMPLETED' && h.succeeded === ITEMS && h.repeated === 0),
    },
  ];
}
