import type { PayproSandbox } from '../../infra/local/paypro-sandbox';

/** Polls `probe` every `intervalMs` until `done` holds or `timeoutMs` passes; returns the last value either way. */
export async function until<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until the sandbox has settled each payout to `0000` (its own clock, not ours). */
export async function settledAtSandbox(sandbox: PayproSandbox, ...tradeNos: string[]): Promise<void> {
  await until(
    () => tradeNos.every((id) => sandbox.payouts.get(id)?.status === '0000'),
    (all) => all,
  );
}
