declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  /** Creates an unstarted dynalite HTTP server. */
  export default function dynalite(options?: DynaliteOptions): Server;
}

declare module 'dynalite/db' {
  type Item = Record<string, Record<string, unknown>>;
  interface Table {
    TableName: string;
    KeySchema: unknown[];
    GlobalSecondaryIndexes?: unknown[];
    LocalSecondaryIndexes?: unknown[];
  }
  interface IndexDb {
    put(key: string, item: unknown, cb: (err?: Error | null) => void): void;
    del(key: string, cb: (err?: Error | null) => void): void;
  }
  interface Store {
    getIndexDb(indexType: string, tableName: string, indexName: string): IndexDb;
  }
  interface IndexActions {
    puts: Array<{ index: string; key: string; item: Item }>;
    deletes: Array<{ index: string; key: string }>;
  }
  /** dynalite's storage internals (db/index.js), which infra/local/dynalite-index-keys.ts corrects. */
  export interface DynaliteDb {
    createKey(item: Item, table: Table, keySchema?: unknown[]): string;
    createIndexKey(item: Item, table: Table, keySchema: unknown[]): string;
    getIndexActions(
      indexes: unknown[],
      existingItem: Item | null,
      item: Item | null,
      table: Table,
    ): IndexActions;
    updateIndexes(
      store: Store,
      table: Table,
      existingItem: Item | null,
      item: Item | null,
      cb: (err?: Error | null) => void,
    ): void;
  }
  const db: DynaliteDb;
  export default db;
}
