import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readStage, readTables, type StageConfig, type TableConfig } from '../config';
import { DynamoCapLedger } from '../limits/repository';
import { PayoutRepository } from '../payouts/repository';
import type { EnvReader } from '../shared/env';

/*
 * The payout store's wiring, apart from lib/wiring/payouts.ts: get-payout needs only this, and
 * importing lib/wiring/payouts.ts would bring the Paypro client and its response schemas along.
 */

/** The DynamoDB document client; endpoint and region come from the environment, as the SDK reads them. */
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The payout table. */
export function buildRepository(config: Pick<TableConfig, 'payoutsTable'>): PayoutRepository {
  return new PayoutRepository(createDocumentClient(), config.payoutsTable);
}

/** The payout table and the caps' counters, on one client: what every writer of payouts needs. */
export function buildPayoutStores(config: Pick<TableConfig, 'payoutsTable' | 'payoutLimitsTable'>) {
  const client = createDocumentClient();
  return {
    repository: new PayoutRepository(client, config.payoutsTable),
    caps: new DynamoCapLedger(client, config.payoutLimitsTable),
  };
}

/** STAGE and the tables: what every function on DynamoDB reads (get-payout and admin-get-payout, nothing else). */
export function readStageTables(settings: EnvReader): StageConfig & TableConfig {
  const stage = readStage(settings);
  return { ...stage, ...readTables(settings, stage) };
}
