import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import definition from '../payouts-table.json';

/** A running dynalite server. */
export interface LocalDynamo {
  url: string;
  close(): Promise<void>;
}

/** Starts dynalite (in memory) on loopback. */
export async function startLocalDynamo(options: { port?: number; host?: string } = {}): Promise<LocalDynamo> {
  const host = options.host ?? '127.0.0.1';
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

// The table's conditions with the stage param tableUpgrade at its default, `none`: only the
// upgrade steps of an older stage keep the legacy index or leave out the outbox one.
const CONDITIONS: Readonly<Record<string, boolean>> = { KeepLegacyOpenIndex: false, HasOutboxIndex: true };

/** A list entry of the definition as CloudFormation resolves it by default: itself, its Fn::If branch, or none. */
function resolve(entry: object): object[] {
  if (!('Fn::If' in entry)) return [entry];
  const [condition, then, otherwise] = entry['Fn::If'] as [string, object, object];
  const chosen = CONDITIONS[condition] ? then : otherwise;
  return 'Ref' in chosen ? [] : [chosen];
}

/** The CreateTable input for the payouts table, taken from the CloudFormation definition in infra/. */
export function payoutsTableInput(tableName: string): CreateTableCommandInput {
  const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode } =
    definition.Resources.PayoutsTable.Properties;
  return {
    TableName: tableName,
    AttributeDefinitions: AttributeDefinitions.flatMap(resolve),
    KeySchema,
    GlobalSecondaryIndexes: GlobalSecondaryIndexes.flatMap(resolve),
    BillingMode,
  } as CreateTableCommandInput;
}

/** Creates the payouts table on a local endpoint; an existing table is left as it is. */
export async function createPayoutsTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(new CreateTableCommand(payoutsTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  } finally {
    client.destroy();
  }
}
