import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/local-development.md's "The code, file by file" is held to the tree here. When this fails:
// add the new file or folder to the map, with a few words on what it holds; remove or rename a
// name that is gone; and write any count of functions the docs state as the number in functions/.

const ROOT = resolve(__dirname, '../../..');
const MAP_DOC = 'docs/local-development.md';
const MAP_HEADING = '## The code, file by file';

/** Folders whose every file the map lists by name. lib/'s own folders are added from the tree. */
const FILE_BY_FILE = ['functions', 'lib', 'contract', 'contract/client', 'infra', 'infra/local'];
/** Folders whose every subfolder the map names. */
const FOLDER_BY_FOLDER = ['lib', 'contract', 'infra', 'console', 'test'];
/** The top-level entries the map must have. */
const TOP_LEVEL = [
  'functions/',
  'lib/',
  'contract/',
  'infra/',
  'console/',
  'bench/',
  'test/',
  'openapi.json',
];

/** A file name (`client.ts`, `support/contract.ts`) or a folder (`server/`), not part of a longer word. */
const NAME =
  /(?<![\w./*+-])(?:[\w][\w.-]*\/)*(?:[\w][\w.-]*\.(?:ts|js|cjs|json|yml|md|html|css)(?!\w|\.\w)|(?<=\/)(?![\w.]))/g;

interface Entry {
  /** The entry's own path, as it starts its line: `lib/paypro/`, `openapi.json`. */
  path: string;
  /** Every file or folder its text names, resolved to a repository path (folders end in `/`). */
  names: string[];
}

/** The map's code block, the one right under its heading. */
function mapBlock(doc: string): string {
  const start = doc.indexOf(MAP_HEADING);
  if (start < 0) throw new Error(`${MAP_DOC} has no "${MAP_HEADING}" section`);
  const block = /```\n([\s\S]*?)```/.exec(doc.slice(start));
  if (!block?.[1]) throw new Error(`${MAP_DOC}'s "${MAP_HEADING}" has no code block`);
  return block[1];
}

/**
 * The map's entries: a line that starts at column 0 opens one (its first word is its path),
 * indented lines continue it. A name is looked up in the entry's folder, then from the root.
 */
function parseMap(block: string, exists: (path: string) => boolean): Entry[] {
  const entries: Array<{ path: string; text: string }> = [];
  for (const line of block.split('\n')) {
    if (line.trim() === '') continue;
    const last = entries.at(-1);
    if (/^\s/.test(line) && last) last.text += ` ${line.trim()}`;
    else {
      const [path = '', ...rest] = line.split(/\s+/);
      entries.push({ path, text: rest.join(' ') });
    }
  }
  return entries.map(({ path, text }) => {
    const folder = path.endsWith('/') ? path : '';
    const names = [...text.matchAll(NAME)].map((match) => {
      const inFolder = posix.join(folder, match[0]);
      return exists(inFolder) ? inFolder : match[0];
    });
    return { path, names };
  });
}

/** The names the map gives that are not in the tree. */
function missingFromTree(entries: readonly Entry[], exists: (path: string) => boolean): string[] {
  return entries.flatMap((entry) => [entry.path, ...entry.names]).filter((path) => !exists(path));
}

/** The paths of `expected` that no entry names, either as its own path or in its text. */
function missingFromMap(entries: readonly Entry[], expected: readonly string[]): string[] {
  const named = new Set(entries.flatMap((entry) => [entry.path, ...entry.names]));
  return expected.filter((path) => !named.has(path));
}

const existsInRepo = (path: string) => existsSync(join(ROOT, path));

function listDir(folder: string, kind: 'files' | 'folders'): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true })
    .filter((entry) => (kind === 'files' ? entry.isFile() : entry.isDirectory()))
    .map((entry) => (kind === 'files' ? `${folder}/${entry.name}` : `${folder}/${entry.name}/`));
}

/** Every file and folder the map claims to cover, from the tree. */
function coveredPaths(): string[] {
  const libFolders = listDir('lib', 'folders').map((folder) => folder.slice(0, -1));
  return [
    ...TOP_LEVEL,
    ...[...FILE_BY_FILE, ...libFolders].flatMap((folder) => listDir(folder, 'files')),
    ...FOLDER_BY_FOLDER.flatMap((folder) => listDir(folder, 'folders')),
  ];
}

/** Every "<n> functions" and "<n> admin functions" the README and docs/ state, with its file. */
function statedCounts(): Array<{ file: string; admin: boolean; count: number }> {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`)];
  return files.flatMap((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return [...text.matchAll(/\b(\d+) (admin )?functions\b|one file per Lambda \((\d+)\)/g)].map((m) => ({
      file,
      admin: m[2] !== undefined,
      count: Number(m[1] ?? m[3]),
    }));
  });
}

describe('docs/local-development.md file map', () => {
  const entries = parseMap(mapBlock(readFileSync(join(ROOT, MAP_DOC), 'utf8')), existsInRepo);

  it('names only files and folders that exist', () => {
    // Prepare: the map, parsed above

    // Act
    const missing = missingFromTree(entries, existsInRepo);

    // Assess
    expect(missing).toEqual([]);
  });

  it('lists every file and folder of the kinds it covers', () => {
    // Prepare
    const covered = coveredPaths();

    // Act
    const unlisted = missingFromMap(entries, covered);

    // Assess
    expect(covered.filter((path) => path.startsWith('functions/')).length).toBeGreaterThan(0);
    expect(unlisted).toEqual([]);
  });

  it('states the number of functions there are, wherever the docs give one', () => {
    // Prepare
    const functions = listDir('functions', 'files');
    const admin = functions.filter((path) => path.startsWith('functions/admin-')).length;

    // Act
    const counts = statedCounts();

    // Assess
    expect(counts.some(({ file }) => file === MAP_DOC)).toBe(true);
    expect(
      counts.filter(({ count, admin: isAdmin }) => count !== (isAdmin ? admin : functions.length)),
    ).toEqual([]);
  });

  it('reports a file the map leaves out, and a name that is not in the tree', () => {
    // Prepare
    const tree = new Set(['functions/', 'functions/a.ts', 'functions/b.ts', 'lib/', 'lib/x.ts']);
    const exists = (path: string) => tree.has(path);
    const map = 'functions/   one file per Lambda: a.ts\nlib/         x.ts, gone.ts\n';

    // Act
    const parsed = parseMap(map, exists);

    // Assess
    expect(missingFromMap(parsed, ['functions/a.ts', 'functions/b.ts', 'lib/x.ts'])).toEqual([
      'functions/b.ts',
    ]);
    expect(missingFromTree(parsed, exists)).toEqual(['gone.ts']);
  });
});
