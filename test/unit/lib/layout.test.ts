import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const LIB = join(ROOT, 'lib');
// The contract builder is build tooling on its way out of lib/; it is held to none of these rules.
const LEAVING = [join(LIB, 'openapi')];
const MAX_LINES = 300;

/** Every TypeScript file under lib/, as a path relative to the repository. */
function libFiles(dir = LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (LEAVING.includes(path)) return [];
    if (entry.isDirectory()) return libFiles(path);
    return entry.name.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
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
    const long = files
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES);

    expect(long).toEqual([]);
  });

  it('never imports infra/ or test/', () => {
    const outside = files.flatMap((file) =>
      relativeImports(file)
        .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)))
        .filter((target) => /^(infra|test)([/\\]|$)/.test(target))
        .map((target) => `${file} → ${target}`),
    );

    expect(outside).toEqual([]);
  });
});
