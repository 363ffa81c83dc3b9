import { FloatUnreadableError } from '../errors';
import type { PayproCredentials } from '../paypro/client';
import type { PayproFloatApi } from '../paypro/float-answers';
import type { Log } from '../shared/logger';
import type { Counter } from '../shared/metrics';
import { type FloatEvent, type FloatReading, floatEvent } from './events';
import type { InFlightReader } from './in-flight';
import type { FloatState, FloatStateStore } from './state';
import { crossWatermark, type FloatEventType, type FloatLevel } from './watermark';

/** Where float events go (port): the stage's EventBridge bus, which takes them as any other event. */
export interface FloatEventBus {
  /** Publishes every event or throws (some may have been published: at-least-once). */
  publish(events: readonly FloatEvent[]): Promise<void>;
}

/** What the float monitor needs. */
export interface FloatMonitorDeps {
  state: FloatStateStore;
  paypro: Pick<PayproFloatApi, 'queryBalance'>;
  secret: () => Promise<PayproCredentials>;
  inFlight: InFlightReader;
  bus: FloatEventBus;
  /** FLOAT_LOW_WATERMARK, KES. */
  watermark: number;
  /** FLOAT_CHECK_S in ms: how old the last check may get before the next run reads the balance. */
  checkIntervalMs: number;
  counter: Counter;
  log: Log;
  now: () => Date;
}

/** Why a run read the balance. */
export type CheckReason = 'first' | 'due' | 'requested';

/** What one run did. */
export interface FloatMonitorSummary {
  /** Why it read the balance; undefined when it did not (not due). */
  reason?: CheckReason;
  /** Whether a reading was taken and published as metrics (false: not due, or unreadable). */
  checked: boolean;
  /** The level it recorded, when it recorded one. */
  level?: FloatLevel;
  /** The crossing it recorded, if any. */
  event?: FloatEventType;
  /** Events published by this run: a left-over one and this run's. */
  published: number;
}

/** Why the state says a check is due at `now`, or undefined when the last one is recent enough. */
export function dueReason(state: FloatState, now: Date, checkIntervalMs: number): CheckReason | undefined {
  if (state.lastCheckAt === undefined) return 'first';
  const last = Date.parse(state.lastCheckAt);
  if (state.checkRequestedAt !== undefined && Date.parse(state.checkRequestedAt) > last) return 'requested';
  return now.getTime() - last >= checkIntervalMs ? 'due' : undefined;
}

/** Publishes one event, then clears it from the state item; false (counted, logged) when the bus or the store failed. */
async function publishEvent(deps: FloatMonitorDeps, event: FloatEvent): Promise<boolean> {
  try {
    await deps.bus.publish([event]);
    deps.counter.count('EventPublished');
    await deps.state.clearPending(event.eventId);
    deps.log.info('float event published', { eventId: event.eventId, type: event.type });
    return true;
  } catch (error) {
    deps.counter.count('EventPublishFailure');
    deps.log.error('could not publish the float event; the next run tries again', {
      eventId: event.eventId,
      error,
    });
    return false;
  }
}

/** Paypro's balance (fresh) and our money in flight; undefined, counted and logged, when Paypro's is unreadable. */
async function readFloat(deps: FloatMonitorDeps): Promise<FloatReading | undefined> {
  const secret = await deps.secret();
  let balance: Awaited<ReturnType<FloatMonitorDeps['paypro']['queryBalance']>>;
  try {
    balance = await deps.paypro.queryBalance({ merchantNo: secret.merchantNo, appSecret: secret.appSecret });
  } catch (error) {
    if (!(error instanceof FloatUnreadableError)) throw error;
    deps.counter.count('FloatReadFailed');
    deps.log.warn('could not read the float; nothing changed, the next run tries again', {
      error: error.message,
    });
    return undefined;
  }
  const readAt = deps.now().toISOString();
  const inFlight = await deps.inFlight.read();
  return { ...balance, inFlight: inFlight.amount, watermark: deps.watermark, readAt };
}

function publishMetrics(counter: Counter, reading: FloatReading): void {
  counter.count('FloatAvailable', reading.available, 'None');
  counter.count('FloatFrozen', reading.frozen, 'None');
  counter.count('FloatUnsettled', reading.unsettled, 'None');
  counter.count('FloatInFlight', reading.inFlight, 'None');
}

/**
 * One run of the float monitor (every minute). First publishes a crossing's event a previous run
 * recorded but could not publish. Then, only when a check is due (FLOAT_CHECK_S since the last,
 * or one was asked for since), reads Paypro's balance and the money in flight, publishes them as
 * metrics, and records the level with one conditional write, which holds the event of a crossing
 * (Float Low, Float Restored) until it is published: once per crossing, whatever runs overlap.
 */
export async function monitorFloat(deps: FloatMonitorDeps): Promise<FloatMonitorSummary> {
  const state = await deps.state.read();
  let published = 0;
  const leftover = state.pending && !(await publishEvent(deps, state.pending));
  if (state.pending && !leftover) published += 1;
  const startedAt = deps.now();
  const reason = dueReason(state, startedAt, deps.checkIntervalMs);
  if (reason === undefined) return { checked: false, published };
  const reading = await readFloat(deps);
  if (!reading) return { reason, checked: false, published };
  publishMetrics(deps.counter, reading);
  if (leftover) {
    // Recording now would replace the unpublished event; the next run decides again, in order.
    deps.log.warn('float check not recorded: the last crossing is still unpublished', { ...reading });
    return { reason, checked: true, published };
  }
  const decision = crossWatermark(state.level, reading.available, deps.watermark);
  const version = state.version + 1;
  const event =
    decision.event &&
    floatEvent(decision.event, version, reading, state.level, decision.level, reading.readAt);
  const recorded = await deps.state.record(state.version, {
    level: decision.level,
    lastCheckAt: startedAt.toISOString(),
    ...(event && { pending: event }),
  });
  // `state`, not `level`: the logger keeps `level` for its own.
  deps.log.info('float checked', { ...reading, reason, state: decision.level, recorded });
  if (!recorded) return { reason, checked: true, published };
  if (event && (await publishEvent(deps, event))) published += 1;
  return {
    reason,
    checked: true,
    level: decision.level,
    ...(decision.event && { event: decision.event }),
    published,
  };
}
