import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README and docs/*.md link to each other's sections (docs/payouts.md to the README's payout
// state diagram, the README to docs/batches.md's float section, …). When this fails: a heading was
// renamed or moved, or a file was; point the link at where the text is now, or keep the heading.

const ROOT = resolve(__dirname, '../../..');
const README_MAX_LINES = 200;

const markdownFiles = () => ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`)];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a markdown file's headings, outside code blocks. */
function anchors(text: string): Set<string> {
  const found = new Set<string>();
  let inCode = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const heading = inCode ? undefined : /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading !== undefined) found.add(slug(heading));
  }
  return found;
}

/** Every relative link of `file` (`docs/x.md#y`, `#y`) whose file or section is not there. */
function brokenLinks(file: string): string[] {
  return [...read(file).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] as string)
    .filter((link) => !/^[a-z]+:/.test(link))
    .filter((link) => {
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? file : posix.normalize(posix.join(dirname(file), path));
      if (!existsSync(join(ROOT, target))) return true;
      return anchor !== undefined && target.endsWith('.md') && !anchors(read(target)).has(anchor);
    })
    .map((link) => `${file}: ${link}`);
}

describe('README and docs/ links', () => {
  it('lead to a file and a heading that exist', () => {
    // Prepare
    const files = markdownFiles();

    // Act
    const broken = files.flatMap(brokenLinks);

    // Assess
    expect(broken).toEqual([]);
  });

  it(`keeps the README within ${README_MAX_LINES} lines`, () => {
    // Prepare
    const text = read('README.md');

    // Act
    const lines = text.split('\n').length - 1;

    // Assess
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('reads headings as GitHub anchors, and no line of a code block as one', () => {
    // Prepare
    const text = "# Title\n\n## A payout's states\n\n```\n## not a heading\n```\n";

    // Act
    const found = anchors(text);

    // Assess
    expect(found.has('a-payouts-states')).toBe(true);
    expect(found.has('not-a-heading')).toBe(false);
  });
});
