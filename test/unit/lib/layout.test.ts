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

/** The lib/ folder a repository path is in (`payouts` for lib/payouts/x.ts), or undefined for lib/'s own files. */
function folderOf(path: string): string | undefined {
  const parts = relative(LIB, path).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

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

describe('lib/ layout', () => {
  const files = libFiles();

  it('has no two folders that import each other, directly or through others', () => {
    // Prepare: the folder-level import graph (lib/'s own files, the composition root, are left out).
    const edges = new Map<string, Set<string>>();
    for (const file of files) {
      const from = folderOf(join(ROOT, file));
      for (const spec of relativeImports(file)) {
        const to = folderOf(resolve(ROOT, dirname(file), spec));
        if (from === undefined || to === undefined || from === to) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }

    // Act: every folder that can reach itself.
    const cyclic = [...edges.keys()].filter((folder) => reachable(edges, folder).has(folder)).sort();

    // Assess
    expect(cyclic).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    expect(longerThan(files, MAX_LINES)).toEqual([]);
  });

  it(`has local stand-ins (infra/local) of at most ${MAX_LOCAL_LINES} lines each`, () => {
    expect(longerThan(libFiles(LOCAL), MAX_LOCAL_LINES)).toEqual([]);
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
