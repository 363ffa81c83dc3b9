import type { Log } from '../shared/logger';
import type { FloatStateStore } from './state';

/**
 * Asks the float monitor to read the balance at its next run instead of at its next due time
 * (port): a payout Paypro refused for lack of funds must not wait five minutes to be noticed.
 */
export interface FloatCheckRequests {
  /** Records that a check is wanted from `at` on, and why; a failure is the caller's to log, never the payout's outcome. */
  request(at: string, reason: string): Promise<void>;
}

/**
 * FloatCheckRequests on the monitor's state item: sets its `checkRequestedAt`, which makes the
 * next run of float-monitor (each minute) read the balance whatever FLOAT_CHECK_S says. A
 * failure is logged and swallowed: the payout that asked is already settled, and the monitor
 * still checks at its next due time.
 */
export class StoredFloatCheckRequests implements FloatCheckRequests {
  constructor(
    private readonly state: Pick<FloatStateStore, 'requestCheck'>,
    private readonly log: Log,
  ) {}

  async request(at: string, reason: string): Promise<void> {
    try {
      await this.state.requestCheck(at, reason);
      this.log.info('float check requested', { at, reason });
    } catch (error) {
      this.log.warn('could not ask for a float check; the monitor checks at its next due time', {
        at,
        reason,
        error,
      });
    }
  }
}
