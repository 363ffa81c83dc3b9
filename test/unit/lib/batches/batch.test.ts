import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BATCH_STATUSES, batchSources, canMoveBatch, isFinalBatch } from '../../../../lib/batches/batch';

/** The moves the README's mermaid diagram draws between two statuses (not from or to [*]). */
function diagramMoves(): string[] {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf("## A batch's states"));
  const diagram = section.slice(section.indexOf('```mermaid'), section.indexOf('```\n', 10));
  return [...diagram.matchAll(/^\s+([A-Z_]+) --> ([A-Z_]+)/gm)].map((m) => `${m[1]} → ${m[2]}`).sort();
}

const tableMoves = () =>
  BATCH_STATUSES.flatMap((to) => batchSources(to).map((from) => `${from} → ${to}`)).sort();

describe("the batch's state machine", () => {
  it('allows exactly the moves the README draws', () => {
    // Prepare
    const drawn = diagramMoves();

    // Act
    const declared = tableMoves();

    // Assess
    expect(drawn.length).toBeGreaterThan(0);
    expect(declared).toEqual(drawn);
  });

  it('lets nothing out of a final status, and nothing back into RECEIVED', () => {
    // Prepare
    const finals = BATCH_STATUSES.filter(isFinalBatch);

    // Act
    const leaving = finals.flatMap((from) => BATCH_STATUSES.filter((to) => canMoveBatch(from, to)));

    // Assess
    expect(finals).toEqual(['COMPLETED', 'COMPLETED_WITH_FAILURES', 'REJECTED', 'CANCELLED']);
    expect(leaving).toEqual([]);
    expect(batchSources('RECEIVED')).toEqual([]);
  });

  it('never allows staying in the same status as a move', () => {
    // Act
    const loops = BATCH_STATUSES.filter((status) => canMoveBatch(status, status));

    // Assess
    expect(loops).toEqual([]);
  });
});
