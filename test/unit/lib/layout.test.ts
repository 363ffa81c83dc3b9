import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const LIB = join(ROOT, 'lib');
const LOCAL = join(ROOT, 'infra', 'local');
const MAX_LINES = 300;
// The local stand-ins (SQS, EventBridge, Secrets Manager, the Paypro sandbox) are held to a looser bound.
const MAX_LOCAL_LINES = 400;

/** Every TypeScript file under `dir`, as a path relative to the repository. */
function libFiles(dir = LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return libFiles(path);
    return entry.name.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

/** The files of `paths` longer than `max` lines, with their lengths. */
function longerThan(paths: readonly string[], max: number): Array<{ file: string; lines: number }> {
  return paths
    .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > max);
}

/** The relative module paths a file imports or re-exports. */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
}

/** The node of lib/'s folder graph a path belongs to: its folder (`payouts` for lib/payouts/x.ts), or the file at lib/'s root. */
function folderOf(path: string): string {
  const parts = relative(LIB, path).split(sep);
  return parts[0] as string;
}

// File names several folders use for the same job: a port, its adapter, a folder's schemas and settings.
const ROLE_NAMES = [
  'config.ts',
  'events.ts',
  'queue.ts',
  'repository.ts',
  'schema.ts',
  'sign.ts',
  'store.ts',
];
const MAX_ROOT_FILES = 3;

/** Every folder `start` imports, directly or through others. */
function reachable(edges: Map<string, Set<string>>, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...(edges.get(start) ?? [])];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(edges.get(next) ?? []));
  }
  return seen;
}

/*
 * The shards stay behind the ports: DynamoDB's paging (LastEvaluatedKey, ExclusiveStartKey) and
 * keys.ts's shard and partition-key helpers belong to the DynamoDB adapters below. A use case
 * sees one list and an opaque PageCursor (lib/shared/page-cursor.ts), so how an index is spread
 * can change without touching the reconciler, the money in flight or the outbox sweep.
 */
const DYNAMO_ADAPTERS = [
  'lib/payouts/keys.ts',
  'lib/payouts/shard-walk.ts',
  'lib/payouts/due.ts',
  'lib/payouts/repository.ts',
  'lib/payouts/outbox-repository.ts',
  'lib/admin/repository.ts',
  'lib/batches/repository.ts',
  'lib/batches/lines.ts',
].map((file) => join(...file.split('/')));

/** keys.ts's exported shard and partition-key helpers (OPEN_PARTITION_KEYS, openPartitionKey, OPEN_SHARDS, …). */
function shardHelpers(): string[] {
  const keys = readFileSync(join(LIB, 'payouts', 'keys.ts'), 'utf8');
  return [...keys.matchAll(/export (?:const|function) (\w+)/g)]
    .map((m) => m[1] as string)
    .filter((name) => /partition|shard|_PK$/i.test(name));
}

/** The paging and shard words `text` mentions, of those only the DynamoDB adapters may. */
function shardWords(text: string, helpers: readonly string[]): string[] {
  return ['LastEvaluatedKey', 'ExclusiveStartKey', ...helpers].filter((word) =>
    new RegExp(`\\b${word}\\b`).test(text),
  );
}

describe('lib/ layout', () => {
  const files = libFiles();

  it('has no two folders that import each other, directly or through others', () => {
    // Prepare: the folder-level import graph; each file at lib/'s root is a node of its own.
    const edges = new Map<string, Set<string>>();
    for (const file of files) {
      const from = folderOf(join(ROOT, file));
      for (const spec of relativeImports(file)) {
        const to = folderOf(resolve(ROOT, dirname(file), spec));
        if (from === to) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }

    // Act: every folder that can reach itself.
    const cyclic = [...edges.keys()].filter((folder) => reachable(edges, folder).has(folder)).sort();

    // Assess
    expect(cyclic).toEqual([]);
  });

  it(`keeps at most ${MAX_ROOT_FILES} files at its root`, () => {
    const root = files.filter((file) => dirname(file) === 'lib');

    expect(root.length, root.join(', ')).toBeLessThanOrEqual(MAX_ROOT_FILES);
  });

  it('is wired only from outside: nothing in lib/ but lib/wiring/ imports lib/wiring/', () => {
    const inward = files
      .filter((file) => folderOf(join(ROOT, file)) !== 'wiring')
      .flatMap((file) =>
        relativeImports(file)
          .filter((spec) => folderOf(resolve(ROOT, dirname(file), spec)) === 'wiring')
          .map((spec) => `${file} → ${spec}`),
      );

    expect(inward).toEqual([]);
  });

  it('gives no two files one name unless the name is a shared role (port, adapter, schema)', () => {
    const byName = new Map<string, string[]>();
    for (const file of files) {
      const name = file.split(sep).at(-1) as string;
      byName.set(name, [...(byName.get(name) ?? []), file]);
    }

    const clashes = [...byName].filter(([name, paths]) => paths.length > 1 && !ROLE_NAMES.includes(name));

    expect(clashes).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    expect(longerThan(files, MAX_LINES)).toEqual([]);
  });

  it(`has local stand-ins (infra/local) of at most ${MAX_LOCAL_LINES} lines each`, () => {
    expect(longerThan(libFiles(LOCAL), MAX_LOCAL_LINES)).toEqual([]);
  });

  it('keeps DynamoDB paging and the shard keys in the DynamoDB adapters: use cases see opaque cursors', () => {
    // Prepare
    const helpers = shardHelpers();
    const reintroduced =
      "import { OPEN_PARTITION_KEYS } from './keys';\nconst start = page.LastEvaluatedKey;";

    // Act
    const outside = files
      .filter((file) => !DYNAMO_ADAPTERS.includes(file))
      .map((file) => ({ file, words: shardWords(readFileSync(join(ROOT, file), 'utf8'), helpers) }))
      .filter(({ words }) => words.length > 0);

    // Assess: none outside, and the rule does catch a use case that brings one back.
    expect(helpers).toEqual(
      expect.arrayContaining(['OPEN_PARTITION_KEYS', 'openPartitionKey', 'outboxPartitionKey']),
    );
    expect(outside).toEqual([]);
    expect(shardWords(reintroduced, helpers)).toEqual(['LastEvaluatedKey', 'OPEN_PARTITION_KEYS']);
  });

  it('never imports infra/, test/ or the contract builder (build tooling)', () => {
    const outside = files.flatMap((file) =>
      relativeImports(file)
        .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)))
        .filter((target) => /^(infra|test|contract)([/\\]|$)/.test(target))
        .map((target) => `${file} → ${target}`),
    );

    expect(outside).toEqual([]);
  });
});
