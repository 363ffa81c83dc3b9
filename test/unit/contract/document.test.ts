import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASIC } from '@hyperjump/json-schema/experimental';
import { validate } from '@hyperjump/json-schema/openapi-3-1';
import { Validator } from '@seriousme/openapi-schema-validator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDocument, DOCUMENT_PATH, renderDocument } from '../../../contract/document';
import { parseBatchRequest } from '../../../lib/batches/schema';
import { ValidationError } from '../../../lib/errors';
import { parsePayoutRequest } from '../../../lib/payouts/schema';

const ROOT = resolve(import.meta.dirname, '../../..');
const checkedIn = () => readFileSync(DOCUMENT_PATH, 'utf8');
const DOCUMENT_URL = pathToFileURL(DOCUMENT_PATH).href;
const bounds = { min: 50, max: 250_000 };

type Check = (value: unknown, format: typeof BASIC) => { valid: boolean };
// Compiled once per schema: compiling is what costs, and the property tests validate hundreds of values.
const compiled = new Map<string, Promise<Check>>();

/** Whether `value` is valid against the schema at `pointer` in the checked-in document. */
async function documentAccepts(pointer: string, value: unknown): Promise<boolean> {
  let check = compiled.get(pointer);
  if (!check) {
    check = validate(`${DOCUMENT_URL}#${pointer}`) as unknown as Promise<Check>;
    compiled.set(pointer, check);
  }
  return (await check)(value, BASIC).valid;
}

const accepted = (parse: () => unknown) => {
  try {
    parse();
    return true;
  } catch (error) {
    if (error instanceof ValidationError) return false;
    throw error;
  }
};

describe('openapi.json', () => {
  it('is what the code generates (run `npm run openapi` after changing a schema)', () => {
    expect(
      checkedIn(),
      'openapi.json differs from what contract/ generates: run `npm run openapi` and commit the result',
    ).toBe(renderDocument());
  });

  it('passes a standard OpenAPI 3.1 validator', async () => {
    const result = await new Validator().validate(JSON.parse(checkedIn()));
    expect(result).toEqual({ valid: true });
  });

  it('holds only schemas valid in the OpenAPI 3.1 dialect (JSON Schema 2020-12)', async () => {
    const output = await validate(
      'https://spec.openapis.org/oas/3.1/schema-base',
      JSON.parse(checkedIn()),
      BASIC,
    );
    expect(output).toEqual({ valid: true });
  });

  it('documents every HTTP route of serverless.yml, and no other', () => {
    const yml = readFileSync(resolve(ROOT, 'serverless.yml'), 'utf8');
    const routes = [...yml.matchAll(/-\s+http:\s*\n\s+path:\s*(\S+)\s*\n\s+method:\s*(\w+)/g)].map(
      ([, path, method]) => `${method?.toUpperCase()} /${path}`,
    );
    const documented = Object.entries(buildDocument().paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.length).toBeGreaterThan(5);
    expect(documented.sort()).toEqual(routes.sort());
  });

  it('asks for the API key on the app routes, and for nothing on the callback and the document', () => {
    const { paths } = buildDocument();
    const security = (path: keyof typeof paths) => Object.values(paths[path])[0]?.security;
    expect(security('/callbacks/paypro/{tradeNo}/{token}')).toEqual([]);
    expect(security('/openapi.json')).toEqual([]);
    for (const path of [
      '/payouts',
      '/payouts/{tradeNo}',
      '/payout-batches',
      '/payout-batches/{batchId}',
    ] as const) {
      expect(security(path)).toEqual([{ apiKey: [] }, { apiKey: [], sigv4: [] }]);
    }
  });

  it('states the payout request rules as the service applies them (default bounds)', async () => {
    const mobile = fc.oneof(
      fc.constantFrom('0712345678', '0112345678', '712345678', '+254712345678', '254112345678', '0812345678'),
      fc
        .array(fc.constantFrom(...'0123456789+- \t'.split(''), '254', '07', '+254', '7', '1'), {
          maxLength: 16,
        })
        .map((parts) => parts.join('')),
      fc.string({ maxLength: 40 }),
      fc.integer(),
    );
    const amount = fc.oneof(
      fc.integer({ min: -10, max: 300_000 }),
      fc.integer({ min: 0, max: 300_000 }).map((n) => String(n)),
      fc.constantFrom(
        49,
        50,
        250_000,
        250_001,
        '100',
        '0100',
        '49',
        '050',
        '250000',
        '250001',
        '0000000000250000',
        '000000000250000',
        '12.5',
        '1e3',
        ' 100',
        '',
        100.5,
        null,
      ),
      fc.string({ maxLength: 4 }),
    );
    const body = fc.record(
      {
        amount,
        mobile,
        tradeNo: fc.constantFrom('order-1', 'bad id', ''),
        remark: fc.string({ maxLength: 120 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (request) => {
        const service = accepted(() => parsePayoutRequest(request, bounds));
        const document = await documentAccepts('/components/schemas/PayoutRequest', request);
        // The digit form too is bounded as the service bounds it (contract/decimal-range.ts).
        expect(document, JSON.stringify(request)).toBe(service);
      }),
      { numRuns: 500 },
    );
  });

  it('states the batch envelope as the service checks it', async () => {
    const item = { tradeNo: 'pay-1', amount: 100, mobile: '0712345678' };
    const cases: unknown[] = [
      { batchId: 'payroll-1', items: [item] },
      { batchId: 'payroll 1', items: [item] },
      { batchId: 'payroll-1', items: [] },
      { batchId: 'payroll-1' },
      { batchId: 'payroll-1', items: [item], extra: true },
      { batchId: 'payroll-1', items: [{ amount: 100, mobile: '0712345678' }] },
      {
        batchId: 'payroll-1',
        items: Array.from({ length: 10_001 }, (_, i) => ({ ...item, tradeNo: `p-${i}` })),
      },
    ];
    for (const request of cases) {
      const service = accepted(() => parseBatchRequest(request, bounds));
      expect(
        await documentAccepts('/components/schemas/BatchRequest', request),
        JSON.stringify(request).slice(0, 80),
      ).toBe(service);
    }
  });
});
