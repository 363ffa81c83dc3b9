import type { APIGatewayProxyResult, SQSEvent } from 'aws-lambda';
import { adminApproveBatchHandler } from '../../functions/admin-approve-batch';
import { adminCancelBatchHandler } from '../../functions/admin-cancel-batch';
import { adminListBatchesHandler } from '../../functions/admin-list-batches';
import { advanceBatchesHandler } from '../../functions/advance-batches';
import { createPayoutBatchHandler } from '../../functions/create-payout-batch';
import { getPayoutBatchHandler } from '../../functions/get-payout-batch';
import { getPayoutBatchReportHandler } from '../../functions/get-payout-batch-report';
import { sendBatchItemsHandler } from '../../functions/send-batch-items';
import { wakeBatchesHandler } from '../../functions/wake-batches';
import { createSqsEventSource } from '../../infra/local/event-source';
import type { AdvanceDeps } from '../../lib/batches/advance';
import type { IntakeDeps } from '../../lib/batches/intake';
import { readConfig } from '../../lib/config';
import type { BusEvent } from '../../lib/events/bus';
import {
  buildAdvanceDeps,
  buildDecideDeps,
  buildIntakeDeps,
  buildListBatchesDeps,
  buildReadBatchDeps,
  buildSendItemDeps,
  buildWakeDeps,
  readAdvance,
  readIntake,
  readSendItem,
  readStepper,
} from '../../lib/wiring/batches';
import { apiEvent, bodyOf, lambdaContext } from './events';
import type { startStack } from './stack';
import { until } from './wait';

type Stack = Awaited<ReturnType<typeof startStack>>;

/** What a test may change of the batch functions' wiring: caps, clock, approval threshold. */
export type BatchOverrides = Partial<Pick<IntakeDeps, 'dailyCaps' | 'now' | 'approvalAboveAmount'>> &
  Partial<Pick<AdvanceDeps, 'approvalTtlMs' | 'checkIntervalMs'>>;

const context = () => ({ ...lambdaContext(), getRemainingTimeInMillis: () => 100_000 });

/**
 * The batch functions as the Lambdas build them from the stack's environment, and the two queues'
 * event sources as serverless.yml maps them (batch-steps → advance-batches, batch-sends →
 * send-batch-items). Events the worker publishes are kept in `published`.
 */
export async function startBatchFunctions(stack: Stack, overrides: BatchOverrides = {}) {
  const config = stack.config;
  const published: BusEvent[] = [];
  const bus = { publish: async (events: readonly BusEvent[]) => void published.push(...events) };
  const intake: IntakeDeps = {
    ...buildIntakeDeps(readConfig(readIntake)),
    ...pick(overrides, ['dailyCaps', 'now', 'approvalAboveAmount']),
  };
  const advance: AdvanceDeps = {
    ...buildAdvanceDeps(readConfig(readAdvance)),
    bus,
    checkIntervalMs: 200,
    ...pick(overrides, ['dailyCaps', 'now', 'approvalTtlMs', 'checkIntervalMs']),
  };
  const create = createPayoutBatchHandler(intake, config);
  const get = getPayoutBatchHandler(buildReadBatchDeps(config));
  const report = getPayoutBatchReportHandler(buildReadBatchDeps(config));
  const steps = advanceBatchesHandler(advance);
  const send = sendBatchItemsHandler(buildSendItemDeps(readConfig(readSendItem)), config);
  const decide = { ...buildDecideDeps(readConfig(readStepper)), ...pick(overrides, ['now']) };
  const approve = adminApproveBatchHandler(decide);
  const cancel = adminCancelBatchHandler(decide);
  const list = adminListBatchesHandler(buildListBatchesDeps(config));
  const wake = wakeBatchesHandler({ ...buildWakeDeps(readConfig(readStepper)), ...pick(overrides, ['now']) });
  let draining = true;
  const sources = [
    createSqsEventSource({
      endpoint: stack.local.sqs.url,
      queueName: `paypro-payouts-${config.stage}-batch-steps`,
      handler: (event: SQSEvent) => steps(event, context()) as never,
      batchSize: 1,
      maximumConcurrency: 5,
    }),
    createSqsEventSource({
      endpoint: stack.local.sqs.url,
      queueName: `paypro-payouts-${config.stage}-batch-sends`,
      handler: async (event: SQSEvent) =>
        draining
          ? ((await send(event, context())) as never)
          : { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) },
      batchSize: 5,
      maximumConcurrency: 4,
    }),
  ];
  for (const source of sources) await source.start();

  const operator = { requestContext: { authorizer: { principalId: 'test-operator' } } };
  const reply = (promise: Promise<unknown>) => promise as Promise<APIGatewayProxyResult>;
  const fns = {
    published,
    intake,
    advance,
    /** POST /payout-batches with a body, or raw text. */
    post: (body: unknown) =>
      reply(
        create(
          apiEvent({
            path: '/payout-batches',
            ...(typeof body === 'string' ? { rawBody: body } : { body: body as Record<string, unknown> }),
          }),
          lambdaContext(),
        ),
      ),
    get: (batchId: string, query: Record<string, string> = {}) =>
      reply(
        get(
          apiEvent({
            method: 'GET',
            path: `/payout-batches/${batchId}`,
            resource: '/payout-batches/{batchId}',
            pathParameters: { batchId },
            queryStringParameters: query,
          }),
          lambdaContext(),
        ),
      ),
    report: (batchId: string) =>
      reply(
        report(
          apiEvent({
            method: 'GET',
            path: `/payout-batches/${batchId}/report.csv`,
            resource: '/payout-batches/{batchId}/report.csv',
            pathParameters: { batchId },
          }),
          lambdaContext(),
        ),
      ),
    approve: (batchId: string, body?: unknown) =>
      reply(
        approve(
          {
            ...apiEvent({
              path: `/admin/payout-batches/${batchId}/approve`,
              body,
              pathParameters: { batchId },
            }),
            ...operator,
          } as never,
          lambdaContext(),
        ),
      ),
    cancel: (batchId: string, body: unknown) =>
      reply(
        cancel(
          {
            ...apiEvent({
              path: `/admin/payout-batches/${batchId}/cancel`,
              body,
              pathParameters: { batchId },
            }),
            ...operator,
          } as never,
          lambdaContext(),
        ),
      ),
    list: (query: Record<string, string> = {}) =>
      reply(
        list(
          {
            ...apiEvent({ method: 'GET', path: '/admin/payout-batches', queryStringParameters: query }),
            ...operator,
          } as never,
          lambdaContext(),
        ),
      ),
    wake: () => wake({} as never, lambdaContext()),
    /** Waits until GET shows the batch in one of `statuses`; returns that view. */
    async settled(batchId: string, statuses: string[], timeoutMs = 30_000) {
      const view = await until(
        async () => bodyOf(await fns.get(batchId)),
        (v) => statuses.includes(String(v.status)),
        timeoutMs,
      );
      if (!statuses.includes(String(view.status))) {
        throw new Error(`batch ${batchId} is ${String(view.status)}, not ${statuses.join(' or ')}`);
      }
      return view;
    },
    /** Stops (or resumes) sending: queued items stay on the queue meanwhile. */
    drain(on: boolean) {
      draining = on;
    },
    stop: async () => {
      for (const source of sources) await source.stop();
    },
  };
  return fns;
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as Partial<
    Pick<T, K>
  >;
}
