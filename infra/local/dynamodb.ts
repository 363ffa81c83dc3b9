import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import batchesDefinition from '../batches-table.json';
import limitsDefinition from '../limits-table.json';
import payoutsDefinition from '../payouts-table.json';
import { correctDynaliteIndexKeys } from './dynalite-index-keys';

/** A running dynalite server. */
export interface LocalDynamo {
  url: string;
  close(): Promise<void>;
}

/** Starts dynalite (in memory) on loopback. */
export async function startLocalDynamo(options: { port?: number; host?: string } = {}): Promise<LocalDynamo> {
  const host = options.host ?? '127.0.0.1';
  // Without it, dynalite can drop one of two items with equal index keys from the index.
  correctDynaliteIndexKeys();
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// The payouts table's conditions with the stage param tableUpgrade at its default, `none`: only
// the upgrade steps of an older stage keep the legacy index or leave out the outbox or day one.
// The batches table has none.
const CONDITIONS: Readonly<Record<string, boolean>> = {
  KeepLegacyOpenIndex: false,
  HasOutboxIndex: true,
  HasDayIndex: true,
};

/** A list entry of a definition as CloudFormation resolves it by default: itself, its Fn::If branch, or none. */
function resolve(entry: object): object[] {
  if (!('Fn::If' in entry)) return [entry];
  const [condition, then, otherwise] = entry['Fn::If'] as [string, object, object];
  if (!(condition in CONDITIONS)) throw new Error(`Unknown table condition ${condition}`);
  const chosen = CONDITIONS[condition] ? then : otherwise;
  return 'Ref' in chosen ? [] : [chosen];
}

/** The table properties of a CloudFormation definition in infra/ that CreateTable takes. */
interface TableProperties {
  AttributeDefinitions: object[];
  KeySchema: object[];
  GlobalSecondaryIndexes?: object[];
  BillingMode: string;
}

/** The CreateTable input for a table defined in infra/, named `tableName`. */
function tableInput(properties: TableProperties, tableName: string): CreateTableCommandInput {
  const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode } = properties;
  // CreateTable refuses an empty index list: leave it out when the table has none.
  const indexes = GlobalSecondaryIndexes?.flatMap(resolve) ?? [];
  return {
    TableName: tableName,
    AttributeDefinitions: AttributeDefinitions.flatMap(resolve),
    KeySchema,
    ...(indexes.length > 0 && { GlobalSecondaryIndexes: indexes }),
    BillingMode,
  } as CreateTableCommandInput;
}

/** The CreateTable input for the payouts table, taken from the CloudFormation definition in infra/. */
export function payoutsTableInput(tableName: string): CreateTableCommandInput {
  return tableInput(payoutsDefinition.Resources.PayoutsTable.Properties, tableName);
}

/** The CreateTable input for the payout batches table, taken from infra/batches-table.json. */
export function batchesTableInput(tableName: string): CreateTableCommandInput {
  return tableInput(batchesDefinition.Resources.PayoutBatchesTable.Properties, tableName);
}

/** The CreateTable input for the caps' counters table, taken from infra/limits-table.json (TTL aside: dynalite has none). */
export function limitsTableInput(tableName: string): CreateTableCommandInput {
  return tableInput(limitsDefinition.Resources.PayoutLimitsTable.Properties, tableName);
}

/** Creates a table on a local endpoint; an existing table is left as it is. */
export async function createTable(endpoint: string, input: CreateTableCommandInput): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  } finally {
    client.destroy();
  }
}

/** Creates the payouts table on a local endpoint; an existing table is left as it is. */
export async function createPayoutsTable(endpoint: string, tableName: string): Promise<void> {
  await createTable(endpoint, payoutsTableInput(tableName));
}

/** Creates the payout batches table on a local endpoint; an existing table is left as it is. */
export async function createBatchesTable(endpoint: string, tableName: string): Promise<void> {
  await createTable(endpoint, batchesTableInput(tableName));
}

/** Creates the caps' counters table on a local endpoint; an existing table is left as it is. */
export async function createLimitsTable(endpoint: string, tableName: string): Promise<void> {
  await createTable(endpoint, limitsTableInput(tableName));
}
