import type { SaltPosition } from '../../lib/paypro/sign';
import { WEBHOOK_MAX_RECEIVES } from '../../lib/webhooks/retry';
import { createBatchesTable, createLimitsTable, createPayoutsTable, startLocalDynamo } from './dynamodb';
import { type EventEnvelope, type LocalEventBridge, sqsTarget, startLocalEventBridge } from './eventbridge';
import { type PayproSandbox, startPayproSandbox } from './paypro-sandbox';
import { startLocalSecretsManager } from './secrets-manager';
import { type LocalSqs, startLocalSqs } from './sqs';

/** The dev secret the local stack serves, as `{merchantNo, appSecret, callbackKey}`. */
export interface LocalSecret {
  merchantNo: string;
  appSecret: string;
  callbackKey: string;
}

/** What to start. Ports default to ephemeral ones; a `payproBaseUrl` replaces the sandbox. */
export interface LocalDepsOptions {
  stage: string;
  secret: LocalSecret;
  salt: SaltPosition;
  payproBaseUrl?: string;
  sandbox?: {
    slowMs?: number;
    settleMs?: number;
    queryDelayMs?: number;
    payoutDelayMs?: number;
    callbackScheduleMs?: number[];
    balance?: number;
    balancePath?: string;
  };
  ports?: { dynamo?: number; secrets?: number; sandbox?: number };
  /** The stage's webhook endpoints, as its webhooks secret holds them; default none. */
  webhooks?: Array<{ id?: string; url: string; secret: string }>;
  /** Called with every event the local bus receives (the launcher prints one line each). */
  onEvent?: (event: EventEnvelope) => void;
}

/** The running stand-ins and the environment that points the functions at them. */
export interface LocalDeps {
  env: Record<string, string>;
  sandbox?: PayproSandbox;
  /** The stage's event bus (PutEvents), whose one rule feeds the webhooks queue, as webhooks.yml deploys it. */
  eventBridge: LocalEventBridge;
  /** The webhooks queue, the batch-steps and batch-sends queues and their dead-letter queues. */
  sqs: LocalSqs;
  close(): Promise<void>;
}

/**
 * Starts dynalite (with the payouts, payout batches and caps tables from infra/), the Secrets
 * Manager endpoint, the event bus and the SQS queues of infra/ and, unless an external Paypro
 * is given, the Paypro sandbox, all on loopback.
 */
export async function startLocalDeps(options: LocalDepsOptions): Promise<LocalDeps> {
  const tableName = `payouts-${options.stage}`;
  const batchesTableName = `payout-batches-${options.stage}`;
  const limitsTableName = `payout-limits-${options.stage}`;
  const secretId = `paypro/${options.stage}`;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    await Promise.allSettled(closers.reverse().map((c) => c()));
  };
  try {
    const dynamo = await startLocalDynamo({ port: options.ports?.dynamo });
    closers.push(dynamo.close);
    await createPayoutsTable(dynamo.url, tableName);
    await createBatchesTable(dynamo.url, batchesTableName);
    await createLimitsTable(dynamo.url, limitsTableName);

    const webhooksSecretId = `paypro-webhooks/${options.stage}`;
    const secrets = await startLocalSecretsManager(
      {
        [secretId]: JSON.stringify(options.secret),
        [webhooksSecretId]: JSON.stringify({ endpoints: options.webhooks ?? [] }),
      },
      { port: options.ports?.secrets },
    );
    closers.push(secrets.close);

    // The event path of infra/events.yml and infra/webhooks.yml: bus -> rule -> queue (+ DLQ).
    const sqs = await startLocalSqs();
    closers.push(sqs.close);
    const deadLetters = sqs.createQueue(`paypro-payouts-${options.stage}-webhooks-dlq`);
    const webhooks = sqs.createQueue(`paypro-payouts-${options.stage}-webhooks`, {
      VisibilityTimeout: '180',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: deadLetters.arn,
        maxReceiveCount: WEBHOOK_MAX_RECEIVES,
      }),
    });
    // Bulk payouts (infra/batches.yml): batch steps for advance-batches, items for send-batch-items.
    const stepDeadLetters = sqs.createQueue(`paypro-payouts-${options.stage}-batch-steps-dlq`, {
      MessageRetentionPeriod: '1209600',
    });
    const batchSteps = sqs.createQueue(`paypro-payouts-${options.stage}-batch-steps`, {
      VisibilityTimeout: '720',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: stepDeadLetters.arn, maxReceiveCount: 5 }),
    });
    const batchDeadLetters = sqs.createQueue(`paypro-payouts-${options.stage}-batch-sends-dlq`, {
      MessageRetentionPeriod: '1209600',
    });
    const batchSends = sqs.createQueue(`paypro-payouts-${options.stage}-batch-sends`, {
      VisibilityTimeout: '360',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: batchDeadLetters.arn, maxReceiveCount: 5 }),
    });
    const busName = `payouts-${options.stage}`;
    const eventBridge = await startLocalEventBridge({
      buses: [busName],
      rules: [
        {
          name: 'webhooks',
          eventBusName: busName,
          pattern: { source: ['paypro-payouts'] },
          target: sqsTarget(webhooks.url),
        },
      ],
      ...(options.onEvent && { onEvent: options.onEvent }),
    });
    closers.push(eventBridge.close);

    let sandbox: PayproSandbox | undefined;
    if (!options.payproBaseUrl) {
      sandbox = await startPayproSandbox({
        merchantNo: options.secret.merchantNo,
        appSecret: options.secret.appSecret,
        salt: options.salt,
        port: options.ports?.sandbox,
        ...options.sandbox,
      });
      closers.push(sandbox.close);
    }

    const env: Record<string, string> = {
      STAGE: options.stage,
      PAYOUTS_TABLE: tableName,
      PAYOUT_BATCHES_TABLE: batchesTableName,
      PAYOUT_LIMITS_TABLE: limitsTableName,
      PAYPRO_SECRET_ID: secretId,
      PAYPRO_SIGN_SALT: options.salt,
      PAYPRO_BASE_URL: options.payproBaseUrl ?? (sandbox as PayproSandbox).url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      EVENT_BUS_NAME: busName,
      WEBHOOKS_QUEUE_URL: webhooks.url,
      WEBHOOKS_DLQ_URL: deadLetters.url,
      WEBHOOKS_SECRET_ID: webhooksSecretId,
      BATCH_SENDS_QUEUE_URL: batchSends.url,
      BATCH_STEPS_QUEUE_URL: batchSteps.url,
      AWS_REGION: 'eu-west-1',
      // Local endpoints ignore credentials, but the SDK insists on having some.
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    return { env, ...(sandbox && { sandbox }), eventBridge, sqs, close };
  } catch (error) {
    await close();
    throw error;
  }
}
