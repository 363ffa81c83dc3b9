/** The fields of an AdminPayoutLine (openapi.json) the resend offer reads. */
export interface ResendCandidate {
  tradeNo: string;
  status: string;
  amount: number;
  flaggedAt?: string;
}

/** A reply of the console's server: its status and parsed body. */
export interface ConsoleReply {
  status: number;
  data?: unknown;
}

/** How one resend ended. */
export interface ResendOutcome {
  kind: 'resent' | 'known' | 'final' | 'failed';
  text: string;
}

/** Whether "Verify and resend" is offered for a payout. */
export function canResend(payout: ResendCandidate): boolean;

/** The payouts of a list that can be resent, their count and their amount. */
export function resendable<T extends ResendCandidate>(
  payouts: T[],
): { payouts: T[]; count: number; amount: number };

/** The bulk confirmation's question. */
export function bulkQuestion(selection: { count: number; amount: number }): string;

/** How one reply to a resend reads. */
export function resendOutcome(reply: ConsoleReply): ResendOutcome;

/** Resends the payouts one after another with one reason. */
export function resendAll(
  payouts: ResendCandidate[],
  reason: string,
  post: (tradeNo: string, body: { reason: string }) => Promise<ConsoleReply>,
  onEach?: (outcome: ResendOutcome & { tradeNo: string }) => void,
): Promise<Array<ResendOutcome & { tradeNo: string }>>;

/** The outcomes counted in one line. */
export function outcomeSummary(outcomes: ResendOutcome[]): string;
