import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cloudWatchCounter,
  EmfWriter,
  type EmfWriterOptions,
  METRICS_NAMESPACE,
  metrics,
  publishMetrics,
} from '../../../../lib/shared/metrics';

const NOW = 1_764_000_000_000;
const SERVICE = 'paypro-payouts-test';
// The units the specification's schema allows.
const UNITS = new Set([
  ...['Seconds', 'Microseconds', 'Milliseconds', 'Percent', 'Count', 'None', 'Count/Second'],
  ...['Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes'].flatMap((u) => [u, `${u}/Second`]),
  ...['Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits'].flatMap((u) => [u, `${u}/Second`]),
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isName = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 255;

/** What breaks a DimensionSet's rules: at most 30 keys, each naming a string member of the root. */
function dimensionProblems(root: Record<string, unknown>, dimensions: unknown): string[] {
  if (!Array.isArray(dimensions) || dimensions.length === 0) return ['Dimensions is not a non-empty array'];
  return dimensions.flatMap((set: unknown) => {
    if (!Array.isArray(set) || set.length > 30) return ['a DimensionSet is not an array of at most 30 keys'];
    return set.flatMap((key: unknown) => {
      if (!isName(key)) return [`dimension key ${String(key)} is not a 1-255 character string`];
      return typeof root[key] === 'string' ? [] : [`dimension target ${key} is not a string`];
    });
  });
}

/** What breaks a MetricDefinition's rules: a name, a CloudWatch unit, and a numeric target member. */
function definitionProblems(root: Record<string, unknown>, definition: unknown): string[] {
  if (!isObject(definition) || !isName(definition.Name))
    return ['a MetricDefinition has no 1-255 character Name'];
  const problems: string[] = [];
  if (definition.Unit !== undefined && !UNITS.has(String(definition.Unit))) {
    problems.push(`unit ${String(definition.Unit)} is not a CloudWatch unit`);
  }
  const target = root[definition.Name];
  const values = Array.isArray(target) ? target : [target];
  if (values.length > 100 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    problems.push(`metric target ${definition.Name} is not a number or an array of at most 100 numbers`);
  }
  return problems;
}

/** What breaks a MetricDirective's rules: namespace, dimension sets, metric definitions. */
function directiveProblems(root: Record<string, unknown>, directive: unknown): string[] {
  if (!isObject(directive)) return ['a MetricDirective is not an object'];
  const problems: string[] = [];
  if (!isName(directive.Namespace)) problems.push('Namespace is not a 1-255 character string');
  problems.push(...dimensionProblems(root, directive.Dimensions));
  const { Metrics } = directive;
  if (!Array.isArray(Metrics) || Metrics.length > 100) {
    return [...problems, 'Metrics is not an array of at most 100 definitions'];
  }
  return [...problems, ...Metrics.flatMap((definition: unknown) => definitionProblems(root, definition))];
}

/**
 * What breaks the AWS specification of the embedded metric format in one log line
 * (CloudWatch_Embedded_Metric_Format_Specification: root node, metadata, MetricDirective,
 * DimensionSet, MetricDefinition, target members); empty when the line is valid EMF.
 */
function emfProblems(line: string): string[] {
  let root: unknown;
  try {
    root = JSON.parse(line);
  } catch {
    return ['not JSON'];
  }
  const problems: string[] = [];
  if (line !== line.trim() || line.includes('\n')) problems.push('not one line of JSON alone');
  if (!isObject(root)) return ['root is not an object'];
  const aws = root._aws;
  if (!isObject(aws)) return ['_aws is not an object'];
  if (!Number.isInteger(aws.Timestamp)) problems.push('_aws.Timestamp is not an integer of ms');
  if (!Array.isArray(aws.CloudWatchMetrics)) return [...problems, '_aws.CloudWatchMetrics is not an array'];
  return [
    ...problems,
    ...aws.CloudWatchMetrics.flatMap((directive: unknown) => directiveProblems(root, directive)),
  ];
}

/** A writer whose lines are kept, in production mode unless `env` says otherwise. */
function writer(env: EmfWriterOptions['env'] = { POWERTOOLS_SERVICE_NAME: SERVICE }) {
  const lines: string[] = [];
  const emf = new EmfWriter({ env, print: (line) => lines.push(line), now: () => NOW });
  const docs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { emf, lines, docs };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('EmfWriter', () => {
  it('prints one valid EMF line: namespace PayproPayouts, dimension service, name, unit and value', () => {
    const { emf, lines, docs } = writer();
    emf.addMetric('PayoutCreated', 'Count', 1);
    emf.publishStoredMetrics();

    expect(lines).toHaveLength(1);
    expect(emfProblems(lines[0] ?? '')).toEqual([]);
    expect(docs()[0]).toEqual({
      _aws: {
        Timestamp: NOW,
        CloudWatchMetrics: [
          {
            Namespace: 'PayproPayouts',
            Dimensions: [['service']],
            Metrics: [{ Name: 'PayoutCreated', Unit: 'Count' }],
          },
        ],
      },
      service: SERVICE,
      PayoutCreated: 1,
    });
    expect(METRICS_NAMESPACE).toBe('PayproPayouts');
  });

  it('aggregates a name counted again into an array of its values, one definition per name, in order', () => {
    const { emf, lines, docs } = writer();
    emf.addMetric('PayoutCreated', 'Count', 1);
    emf.addMetric('ReconcileBacklog', 'Count', 7);
    emf.addMetric('PayoutCreated', 'Count', 1);
    emf.addMetric('PayoutCreated', 'Count', 3);
    emf.publishStoredMetrics();

    expect(lines).toHaveLength(1);
    expect(emfProblems(lines[0] ?? '')).toEqual([]);
    const [doc] = docs();
    expect(doc).toMatchObject({ PayoutCreated: [1, 1, 3], ReconcileBacklog: 7 });
    expect(doc?._aws).toMatchObject({
      CloudWatchMetrics: [
        {
          Metrics: [
            { Name: 'PayoutCreated', Unit: 'Count' },
            { Name: 'ReconcileBacklog', Unit: 'Count' },
          ],
        },
      ],
    });
  });

  it('writes the Seconds unit', () => {
    const { emf, lines, docs } = writer();
    emf.addMetric('ReconcileOldestDueSeconds', 'Seconds', 42);
    emf.publishStoredMetrics();

    expect(emfProblems(lines[0] ?? '')).toEqual([]);
    expect(docs()[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Metrics: [{ Name: 'ReconcileOldestDueSeconds', Unit: 'Seconds' }] }] },
      ReconcileOldestDueSeconds: 42,
    });
  });

  it('writes the None unit, for a figure that is neither a count nor a time (the float in KES)', () => {
    const { emf, lines, docs } = writer();
    emf.addMetric('FloatAvailable', 'None', 84_250.5);
    emf.publishStoredMetrics();

    expect(emfProblems(lines[0] ?? '')).toEqual([]);
    expect(docs()[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Metrics: [{ Name: 'FloatAvailable', Unit: 'None' }] }] },
      FloatAvailable: 84_250.5,
    });
  });

  it('clears on flush: a second flush prints nothing, and the next line holds only what came after', () => {
    const { emf, lines, docs } = writer();
    emf.addMetric('PayoutCreated', 'Count', 1);
    emf.publishStoredMetrics();
    expect(emf.hasStoredMetrics()).toBe(false);
    emf.publishStoredMetrics();
    expect(lines).toHaveLength(1);

    emf.addMetric('PayoutFailed', 'Count', 1);
    emf.publishStoredMetrics();
    expect(lines).toHaveLength(2);
    expect(docs()[1]).toMatchObject({ PayoutFailed: 1 });
    expect(docs()[1]).not.toHaveProperty('PayoutCreated');
  });

  it('prints nothing when nothing was counted', () => {
    const { emf, lines } = writer();
    emf.publishStoredMetrics();
    expect(lines).toEqual([]);
  });

  it('keeps to 100 values a metric: the 100th flushes, the rest go in the next line', () => {
    const { emf, lines, docs } = writer();
    for (let i = 0; i < 250; i += 1) emf.addMetric('BatchItemSent', 'Count', 1);
    emf.publishStoredMetrics();

    expect(lines).toHaveLength(3);
    for (const line of lines) expect(emfProblems(line)).toEqual([]);
    expect(docs().map((d) => (d.BatchItemSent as number[]).length)).toEqual([100, 100, 50]);
  });

  it('keeps to 100 metrics a line: a 101st name flushes the first 100', () => {
    const { emf, lines, docs } = writer();
    for (let i = 0; i < 105; i += 1) emf.addMetric(`Metric${i}`, 'Count', i);
    emf.publishStoredMetrics();

    expect(lines).toHaveLength(2);
    for (const line of lines) expect(emfProblems(line)).toEqual([]);
    const definitions = docs().map(
      (d) =>
        (d._aws as { CloudWatchMetrics: Array<{ Metrics: unknown[] }> }).CloudWatchMetrics[0]?.Metrics.length,
    );
    expect(definitions).toEqual([100, 5]);
    expect(docs()[1]).toMatchObject({ Metric100: 100, Metric104: 104 });
  });

  it('refuses a second unit for a name, as Powertools did', () => {
    const { emf } = writer();
    emf.addMetric('ReconcileOldestDueSeconds', 'Seconds', 1);
    expect(() => emf.addMetric('ReconcileOldestDueSeconds', 'Count', 1)).toThrow(/unit/);
  });

  it.each([
    [{}, 'service_undefined'],
    [{ POWERTOOLS_SERVICE_NAME: '' }, 'service_undefined'],
    [{ POWERTOOLS_SERVICE_NAME: ' paypro-payouts-prod ' }, 'paypro-payouts-prod'],
  ])('takes the service dimension from POWERTOOLS_SERVICE_NAME (%j → %s)', (env, service) => {
    const { emf, lines, docs } = writer(env);
    emf.addMetric('PayoutCreated', 'Count', 1);
    emf.publishStoredMetrics();
    expect(emfProblems(lines[0] ?? '')).toEqual([]);
    expect(docs()[0]?.service).toBe(service);
  });

  it.each([
    [{ POWERTOOLS_DEV: 'true' }, 0],
    [{ POWERTOOLS_METRICS_DISABLED: 'true' }, 0],
    [{ POWERTOOLS_METRICS_DISABLED: '1' }, 0],
    [{ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' }, 1],
    [{ POWERTOOLS_DEV: 'false' }, 1],
  ])('is disabled as Powertools was (%j → %i lines), and still clears', (env, printed) => {
    const { emf, lines } = writer(env);
    emf.addMetric('PayoutCreated', 'Count', 1);
    emf.publishStoredMetrics();
    expect(lines).toHaveLength(printed);
    expect(emf.hasStoredMetrics()).toBe(false);
  });

  it('writes to stdout itself, one line ending in a newline, not through console.log', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const emf = new EmfWriter({ env: { POWERTOOLS_SERVICE_NAME: SERVICE } });
    emf.addMetric('PayoutCreated', 'Count', 1);
    emf.publishStoredMetrics();

    expect(log).not.toHaveBeenCalled();
    expect(write).toHaveBeenCalledTimes(1);
    const out = String(write.mock.calls[0]?.[0]);
    expect(out.endsWith('\n')).toBe(true);
    expect(emfProblems(out.slice(0, -1))).toEqual([]);
  });

  it('goes through console.log under POWERTOOLS_DEV when enabled, as Powertools did', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const emf = new EmfWriter({ env: { POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' } });
    emf.addMetric('PayoutCreated', 'Count', 1);
    emf.publishStoredMetrics();

    expect(write).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(1);
    expect(emfProblems(String(log.mock.calls[0]?.[0]))).toEqual([]);
  });
});

describe('cloudWatchCounter and publishMetrics', () => {
  it('count into the shared writer; the middleware flushes after and on error; disabled under POWERTOOLS_DEV', async () => {
    // vitest.config.ts sets POWERTOOLS_DEV, so the shared writer prints nothing in tests.
    const write = vi.spyOn(process.stdout, 'write');
    const log = vi.spyOn(console, 'log');
    const { after: afterHandler, onError } = publishMetrics();

    cloudWatchCounter.count('PayoutCreated');
    cloudWatchCounter.count('ReconcileOldestDueSeconds', 5, 'Seconds');
    expect(metrics.hasStoredMetrics()).toBe(true);
    await afterHandler();
    expect(metrics.hasStoredMetrics()).toBe(false);

    cloudWatchCounter.count('PayoutFailed');
    await onError();
    expect(metrics.hasStoredMetrics()).toBe(false);

    await afterHandler(); // nothing counted: nothing printed, no warning
    expect(write).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });
});
