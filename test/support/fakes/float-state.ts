import type { FloatCheckRecord, FloatState, FloatStateStore } from '../../../lib/float/state';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The float monitor's state item in memory, with FloatStateRepository's conditions (held to the
 * same assertions on dynalite by test/integration/float-state-contract.test.ts). `failNext`
 * makes the next calls throw, as an unreachable table would.
 */
export class InMemoryFloatState implements FloatStateStore {
  private state: FloatState = { version: 0 };
  private failures = 0;

  /** The next `times` calls throw. */
  failNext(times = 1): this {
    this.failures += times;
    return this;
  }

  /** The state as stored, for assertions. */
  peek(): FloatState {
    return copy(this.state);
  }

  private check(): void {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('the table is unreachable (fake)');
    }
  }

  async read(): Promise<FloatState> {
    this.check();
    return copy(this.state);
  }

  async record(expectedVersion: number, check: FloatCheckRecord): Promise<boolean> {
    this.check();
    if (this.state.version !== expectedVersion) return false;
    this.state = {
      ...this.state,
      version: expectedVersion + 1,
      level: check.level,
      lastCheckAt: check.lastCheckAt,
      ...(check.pending && { pending: copy(check.pending) }),
    };
    return true;
  }

  async clearPending(eventId: string): Promise<boolean> {
    this.check();
    if (this.state.pending?.eventId !== eventId) return false;
    const { pending: _pending, ...rest } = this.state;
    this.state = rest;
    return true;
  }

  async requestCheck(at: string, reason: string): Promise<void> {
    this.check();
    const current = this.state.checkRequestedAt;
    if (current !== undefined && current >= at) return;
    this.state = { ...this.state, checkRequestedAt: at, checkReason: reason };
  }
}
