import { describe, expect, it } from 'vitest';
import {
  batchPaused,
  heldLine,
  type PayproStatusInput,
  payproBanner,
  payproReader,
  probeLine,
} from '../../../console/web/paypro-status.js';

// 09:00:02 UTC is 12:00:02 in Nairobi, which is what the console shows.
const SINCE = '2026-11-25T09:00:02.000Z';

/** Paypro unavailable for four minutes with a payroll held, as the route's own example. */
const unavailable = (over: Partial<PayproStatusInput> = {}): PayproStatusInput => ({
  availability: 'unavailable',
  since: SINCE,
  failure: "HTTP 503 without Paypro's envelope",
  lastFailure: 'connection failed (ECONNREFUSED)',
  nextProbeAt: '2026-11-25T09:04:17.000Z',
  restoredAt: null,
  rampUntil: null,
  held: { payouts: 958, amount: 574800, batches: 1 },
  readAt: '2026-11-25T09:04:09.310Z',
  ...over,
});

const resuming = (): PayproStatusInput => ({
  availability: 'resuming',
  since: SINCE,
  failure: "HTTP 503 without Paypro's envelope",
  lastFailure: "HTTP 503 without Paypro's envelope",
  nextProbeAt: null,
  restoredAt: '2026-11-25T09:06:40.000Z',
  rampUntil: '2026-11-25T09:07:40.000Z',
  held: { payouts: 120, amount: 72000, batches: 1 },
  readAt: '2026-11-25T09:06:55.000Z',
});

const available = (): PayproStatusInput => ({
  availability: 'available',
  since: null,
  failure: null,
  lastFailure: null,
  nextProbeAt: null,
  restoredAt: '2026-11-25T09:06:40.000Z',
  rampUntil: null,
  held: null,
  readAt: '2026-11-25T10:00:00.000Z',
});

describe("Today's Paypro banner", () => {
  it('while Paypro is unavailable says since when, what is held, that nothing is lost, the failure and the next probe', () => {
    // Act
    const banner = payproBanner(unavailable());
    // Assess
    expect(banner).toEqual({
      kind: 'unavailable',
      headline: 'Paypro unavailable since 25/11/2026, 12:00:02: nothing is being sent to it.',
      lines: [
        'Held: 958 payouts, 574,800 KES, from 1 batch.',
        'Nothing is lost: single payouts stay PENDING and batch items wait in their queue; once Paypro ' +
          'answers again they are sent by themselves, each once, at a ramp. Payouts sent just before it ' +
          'opened are not counted here: the reconciler settles them.',
        "Failure: HTTP 503 without Paypro's envelope; latest: connection failed (ECONNREFUSED).",
        'Next probe: 25/11/2026, 12:04:17.',
        'What to do: usually nothing. Do not resend or resolve held payouts by hand; tell whoever waits ' +
          'for a payroll that it is held, not lost (alarms runbook, “Paypro unavailable”).',
      ],
    });
  });

  it('names the failure once when the latest is the one that opened the breaker', () => {
    // Act
    const banner = payproBanner(unavailable({ lastFailure: "HTTP 503 without Paypro's envelope" }));
    // Assess
    expect(banner?.lines).toContain("Failure: HTTP 503 without Paypro's envelope.");
  });

  it('while resuming says since when Paypro is back and until when held payouts go out at a ramp', () => {
    // Act
    const banner = payproBanner(resuming());
    // Assess
    expect(banner).toEqual({
      kind: 'resuming',
      headline:
        'Paypro is back since 25/11/2026, 12:06:40; held payouts are going out at a ramp until 25/11/2026, 12:07:40.',
      lines: [
        'It was unavailable from 25/11/2026, 12:00:02.',
        'Still waiting: 120 payouts, 72,000 KES, from 1 batch.',
        'Nothing to do: they go out by themselves.',
      ],
    });
  });

  it('shows nothing while Paypro is available, nor for a reply it cannot read', () => {
    expect(payproBanner(available())).toBeUndefined();
    expect(payproBanner(undefined as unknown as PayproStatusInput)).toBeUndefined();
  });

  it('counts held work in words: one payout, single payouts only, several batches, nothing yet', () => {
    expect(heldLine({ payouts: 1, amount: 1500, batches: 0 })).toBe(
      'Held: 1 payout, 1,500 KES, none from a batch.',
    );
    expect(heldLine({ payouts: 12000, amount: 7200000, batches: 3 })).toBe(
      'Held: 12,000 payouts, 7,200,000 KES, from 3 batches.',
    );
    expect(heldLine({ payouts: 0, amount: 0, batches: 0 })).toBe('Held: no recorded payout is waiting.');
  });

  it("says a probe that is due is waiting for paypro-breaker's next run, and one long overdue that the prober may be failing", () => {
    // Prepare: due 30 s ago, then 3 minutes ago.
    const due = { nextProbeAt: '2026-11-25T09:04:17.000Z', readAt: '2026-11-25T09:04:47.000Z' };
    const overdue = { nextProbeAt: '2026-11-25T09:04:17.000Z', readAt: '2026-11-25T09:07:17.000Z' };
    // Act
    const lines = [probeLine(due), probeLine(overdue), probeLine({ nextProbeAt: null, readAt: SINCE })];
    // Assess
    expect(lines).toEqual([
      "Next probe: due since 25/11/2026, 12:04:17, at paypro-breaker's next run (every minute).",
      'Next probe: due since 25/11/2026, 12:04:17 and not made: paypro-breaker may be failing ' +
        '(its log group; alarm …-paypro-breaker-errors).',
      'Next probe: not scheduled yet; paypro-breaker runs every minute.',
    ]);
  });
});

describe('the paused note on a batch (Batches list and details)', () => {
  const sending = {
    status: 'SENDING',
    itemCount: 1000,
    progress: {
      counts: { PENDING: 412, PROCESSING: 66, SUCCEEDED: 521, FAILED: 0, REJECTED: 1, CANCELLED: 0 },
    },
  };

  it('says a sending batch with items left is paused, and since when', () => {
    // Act
    const note = batchPaused(sending, unavailable());
    // Assess
    expect(note).toBe('paused: Paypro unavailable since 25/11/2026, 12:00:02');
  });

  it("reads the details' counts, and pauses a batch still recording or not counted yet", () => {
    // Prepare
    const details = { status: 'SENDING', itemCount: 5, counts: { PENDING: 2, SUCCEEDED: 3 } };
    const recording = { status: 'RECORDING', itemCount: 5 };
    // Act
    const notes = [batchPaused(details, unavailable()), batchPaused(recording, unavailable())];
    // Assess
    expect(notes).toEqual([
      'paused: Paypro unavailable since 25/11/2026, 12:00:02',
      'paused: Paypro unavailable since 25/11/2026, 12:00:02',
    ]);
  });

  it('says nothing of a batch with nothing left to send, one that is not sending, or while Paypro is not unavailable', () => {
    // Prepare
    const allSent = {
      status: 'SENDING',
      itemCount: 3,
      progress: { counts: { PROCESSING: 1, SUCCEEDED: 2 } },
    };
    const waiting = { status: 'AWAITING_APPROVAL', itemCount: 3 };
    const done = { status: 'COMPLETED', itemCount: 3 };
    // Act
    const notes = [
      batchPaused(allSent, unavailable()),
      batchPaused(waiting, unavailable()),
      batchPaused(done, unavailable()),
      batchPaused(sending, resuming()),
      batchPaused(sending, available()),
      batchPaused(sending, undefined),
    ];
    // Assess
    expect(notes).toEqual(['', '', '', '', '', '']);
  });
});

describe("Batches' reading of Paypro's status", () => {
  it('reads once for many refreshes within its age, afresh when asked, and gives nothing for a failed read', async () => {
    // Prepare: a clock the test moves, and a route that answers 200 then 503.
    let clock = 0;
    const replies = [
      { status: 200, data: unavailable() },
      { status: 200, data: available() },
      { status: 503, data: { detail: 'store unavailable' } },
    ];
    let reads = 0;
    const read = payproReader(
      async () => replies[reads++] ?? { status: 500 },
      30_000,
      () => clock,
    );
    // Act
    const first = await read({ fresh: true });
    clock = 3_000;
    const refreshed = await read();
    clock = 6_000;
    const opened = await read({ fresh: true });
    clock = 40_000;
    const failed = await read();
    // Assess
    expect(first?.availability).toBe('unavailable');
    expect(refreshed?.availability).toBe('unavailable');
    expect(opened?.availability).toBe('available');
    expect(failed).toBeUndefined();
    expect(reads).toBe(3);
  });
});
