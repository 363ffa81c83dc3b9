/*
 * Crash injection for the outbox: settles one payout to SUCCEEDED through the real use case
 * (one conditional write that commits the status and its event), then dies at once with
 * SIGKILL, before anything could publish. Run by test/integration/events.test.ts with the
 * stack's environment; argv[2] is the tradeNo.
 */
import { loadConfig } from '../../lib/config';
import { settle } from '../../lib/payouts/settle';
import { buildPayoutStores } from '../../lib/wiring/tables';

const tradeNo = process.argv[2] ?? '';
const { repository, caps } = buildPayoutStores(loadConfig());
const payout = await repository.get(tradeNo);
if (!payout) throw new Error(`no payout ${tradeNo}`);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
await settle(
  { repository, caps, counter: { count: () => undefined }, log: silent, now: () => new Date() },
  payout,
  { status: '0000', message: 'SUCCESS' },
  'query',
);
process.kill(process.pid, 'SIGKILL');
