import { describe, expect, it } from 'vitest';
import {
  bulkQuestion,
  type ConsoleReply,
  canResend,
  outcomeSummary,
  resendAll,
  resendable,
  resendOutcome,
} from '../../../console/web/resend.js';

const FLAGGED_AT = '2026-11-25T09:04:00.000Z';
const line = (tradeNo: string, status: string, amount: number, flagged = true) => ({
  tradeNo,
  status,
  amount,
  mobile: '2547****5678',
  createdAt: '2026-11-25T09:00:00.000Z',
  ...(flagged && { flaggedAt: FLAGGED_AT }),
});

describe('"Verify and resend" under Needs attention (the console)', () => {
  it('is offered for flagged PENDING payouts only, and the confirmation states their count and amount', () => {
    // Prepare: two flagged PENDING, one flagged PROCESSING (Paypro took it in), one PENDING not flagged.
    const payouts = [
      line('a', 'PENDING', 1500),
      line('b', 'PROCESSING', 700),
      line('c', 'PENDING', 250000),
      line('d', 'PENDING', 90, false),
    ];
    // Act
    const selection = resendable(payouts);
    const question = bulkQuestion(selection);
    // Assess
    expect(payouts.map(canResend)).toEqual([true, false, true, false]);
    expect(selection).toMatchObject({ count: 2, amount: 251500 });
    expect(selection.payouts.map((p) => p.tradeNo)).toEqual(['a', 'c']);
    expect(question).toBe(
      'Verify with Paypro and resend 2 flagged payouts, 251,500 KES in all? Each is sent again, with its own ' +
        "tradeNo, only if Paypro's query does not know it; your reason goes into each one's history.",
    );
    expect(bulkQuestion({ count: 1, amount: 50 })).toMatch(
      /^Verify with Paypro and resend 1 flagged payout, 50 KES in all\?/,
    );
  });

  it('reads each reply as resent, known to Paypro, already final, or failed', () => {
    // Prepare
    const replies: ConsoleReply[] = [
      { status: 200, data: { tradeNo: 'a', status: 'PROCESSING' } },
      { status: 202, data: { tradeNo: 'a', status: 'PENDING' } },
      { status: 409, data: { paypro: '0000 SUCCESS, amount 100', payoutStatus: 'PENDING', detail: '…' } },
      {
        status: 409,
        data: { payoutStatus: 'SUCCEEDED', detail: 'Payout a was not sent again: it is already SUCCEEDED.' },
      },
      {
        status: 409,
        data: {
          payoutStatus: 'PENDING',
          detail: 'Payout a was not sent again: it changed while this resend was being written',
        },
      },
      { status: 503, data: { detail: 'Paypro could not be asked about this payout; try again later.' } },
      { status: 0, data: { detail: 'The console server did not answer: fetch failed' } },
    ];
    // Act
    const outcomes = replies.map(resendOutcome);
    // Assess
    expect(outcomes).toEqual([
      { kind: 'resent', text: 'resent: now PROCESSING' },
      { kind: 'resent', text: 'resent: now PENDING; Paypro has not answered yet' },
      { kind: 'known', text: 'Paypro knows it (0000 SUCCESS, amount 100): not sent' },
      { kind: 'final', text: 'already SUCCEEDED: not sent' },
      {
        kind: 'failed',
        text: 'not resent: Payout a was not sent again: it changed while this resend was being written',
      },
      { kind: 'failed', text: 'not resent: Paypro could not be asked about this payout; try again later.' },
      { kind: 'failed', text: 'not resent: The console server did not answer: fetch failed' },
    ]);
  });

  it('resends all the confirmed payouts one after another with the one reason, reporting each outcome', async () => {
    // Prepare: the route as the console's server would answer, one call at a time.
    const calls: Array<{ tradeNo: string; body: unknown; concurrent: number }> = [];
    let inFlight = 0;
    const answers: Record<string, ConsoleReply> = {
      a: { status: 200, data: { status: 'PROCESSING' } },
      c: { status: 409, data: { paypro: '0015 CREDIT_INPROGRESS, amount 250000', payoutStatus: 'PENDING' } },
      e: { status: 503, data: { detail: 'Paypro could not be asked about this payout; try again later.' } },
    };
    const post = async (tradeNo: string, body: { reason: string }) => {
      inFlight += 1;
      calls.push({ tradeNo, body, concurrent: inFlight });
      await Promise.resolve();
      inFlight -= 1;
      return answers[tradeNo] as ConsoleReply;
    };
    const heard: string[] = [];
    // Act
    const outcomes = await resendAll(
      [line('a', 'PENDING', 1500), line('c', 'PENDING', 250000), line('e', 'PENDING', 60)],
      'Paypro ticket 4411',
      post,
      (o) => heard.push(`${o.tradeNo} ${o.kind}`),
    );
    // Assess
    expect(calls).toEqual([
      { tradeNo: 'a', body: { reason: 'Paypro ticket 4411' }, concurrent: 1 },
      { tradeNo: 'c', body: { reason: 'Paypro ticket 4411' }, concurrent: 1 },
      { tradeNo: 'e', body: { reason: 'Paypro ticket 4411' }, concurrent: 1 },
    ]);
    expect(heard).toEqual(['a resent', 'c known', 'e failed']);
    expect(outcomeSummary(outcomes)).toBe('1 resent, 1 known to Paypro, 0 already final, 1 failed');
  });
});
