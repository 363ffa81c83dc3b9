import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/*
 * The files that take longest, longest first, as one profiled run ranked them (the e2e batch of
 * 10,000 items alone took over half the serial run). Starting them first lets the other worker
 * take every short file meanwhile, instead of a long file starting last and running alone. In a
 * fresh clone vitest has no timings cached and would order by file size, putting bulk.test.ts last.
 */
const LONGEST = [
  'test/e2e/bulk.test.ts',
  'test/e2e/outage.test.ts',
  'test/e2e/console.test.ts',
  'test/integration/batches.test.ts',
  'test/e2e/local-stack.test.ts',
  'test/integration/webhooks.test.ts',
  'test/integration/fuzz.test.ts',
  'test/integration/reconcile.test.ts',
  'test/integration/local/batch-hold.test.ts',
  'test/e2e/float.test.ts',
];

/** Orders the files named in LONGEST first, in that order; the rest as vitest would. */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = LONGEST.indexOf(relative(this.ctx.config.root, spec.moduleId).replaceAll('\\', '/'));
      return index === -1 ? LONGEST.length : index;
    };
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
      .map(({ spec }) => spec);
  }
}
