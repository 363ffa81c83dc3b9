import db, { type DynaliteDb } from 'dynalite/db';

/*
 * dynalite 4 files an item in a secondary index under the index's keys plus only the first 6 hex
 * digits of an MD5 of the item's table key (db/index.js, hashPrefix: "for now just first six
 * chars"). Two items with the same index keys (two open payouts in one shard with one checkAfter,
 * as a batch's or a seeded bench's are) whose 24-bit digests agree get one index entry: the second
 * write replaces the first, and the first payout is gone from the index (never counted, listed or
 * checked) while the table still holds it. About one seed of 10,000 payouts in five loses one.
 * DynamoDB keeps every item, so this is the stand-in's fault, not the service's: here the index
 * entry's key gets the item's whole table key, as the table's own key has.
 */

const CORRECTED = Symbol.for('payouts.dynalite-index-keys');

type Patched = DynaliteDb & { [CORRECTED]?: true };

/** Runs callback-style tasks at once; calls `done` once, with the first error or none. */
function all(
  tasks: Array<(cb: (err?: Error | null) => void) => void>,
  done: (err?: Error | null) => void,
): void {
  let left = tasks.length;
  let failed = false;
  if (left === 0) {
    done();
    return;
  }
  for (const task of tasks) {
    task((err) => {
      if (failed) return;
      if (err) {
        failed = true;
        done(err);
        return;
      }
      left -= 1;
      if (left === 0) done();
    });
  }
}

/**
 * Makes every secondary index entry's key unique per item (dynalite's key, then the item's whole
 * table key), for index writes and for a Query's or Scan's ExclusiveStartKey alike. Once per process.
 */
export function correctDynaliteIndexKeys(target: Patched = db as Patched): void {
  if (target[CORRECTED]) return;
  const { createKey, createIndexKey, getIndexActions } = target;
  if (
    ![createKey, createIndexKey, getIndexActions, target.updateIndexes].every((f) => typeof f === 'function')
  ) {
    throw new Error('dynalite changed its internals: review infra/local/dynalite-index-keys.ts');
  }
  const unique = (
    key: string,
    item: Parameters<DynaliteDb['createKey']>[0],
    table: Parameters<DynaliteDb['createKey']>[1],
  ) => `${key}/${createKey(item, table)}`;
  target.createIndexKey = (item, table, keySchema) =>
    unique(createIndexKey(item, table, keySchema), item, table);
  // dynalite's own updateIndexes, with each key made unique by the item it belongs to.
  target.updateIndexes = (store, table, existingItem, item, cb) => {
    if (!existingItem && !item) {
      cb();
      return;
    }
    const deletes: Array<(cb: (err?: Error | null) => void) => void> = [];
    const puts: Array<(cb: (err?: Error | null) => void) => void> = [];
    for (const indexType of ['Local', 'Global'] as const) {
      const indexes =
        (indexType === 'Local' ? table.LocalSecondaryIndexes : table.GlobalSecondaryIndexes) ?? [];
      const actions = getIndexActions(indexes, existingItem, item, table);
      for (const action of actions.deletes) {
        const indexDb = store.getIndexDb(indexType, table.TableName, action.index);
        const key = unique(action.key, existingItem as NonNullable<typeof existingItem>, table);
        deletes.push((done) => indexDb.del(key, done));
      }
      for (const action of actions.puts) {
        const indexDb = store.getIndexDb(indexType, table.TableName, action.index);
        const key = unique(action.key, action.item, table);
        puts.push((done) => indexDb.put(key, action.item, done));
      }
    }
    all(deletes, (err) => (err ? cb(err) : all(puts, cb)));
  };
  target[CORRECTED] = true;
}
