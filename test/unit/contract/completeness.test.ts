import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_PATH } from '../../../contract/document';

interface MediaType {
  schema?: unknown;
  examples?: Record<string, unknown>;
}
interface Operation {
  description?: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
type PathItems = Record<string, Record<string, Operation>>;
interface Document {
  info: Record<string, unknown>;
  paths: PathItems;
  webhooks: PathItems;
  components: { schemas: Record<string, { enum?: unknown[] }>; securitySchemes: Record<string, unknown> };
}

const document = JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as Document;

/** Every operation of the paths and the webhooks, named `METHOD path`. */
const operations = (): Array<[string, Operation]> =>
  [...Object.entries(document.paths), ...Object.entries(document.webhooks)].flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );

/** Where in `value` an `enum` stands outside the named schemas: `components.schemas.X` itself is fine. */
function inlineEnums(value: unknown, at: string): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const here = 'enum' in value && !/^\/components\/schemas\/[^/]+$/.test(at) ? [at] : [];
  return [...here, ...Object.entries(value).flatMap(([key, child]) => inlineEnums(child, `${at}/${key}`))];
}

describe('openapi.json, as an integrator reads it', () => {
  it('describes every operation', () => {
    expect(
      operations()
        .filter(([, operation]) => !operation.description?.trim())
        .map(([name]) => name),
    ).toEqual([]);
  });

  it('gives at least one example of every request body and every reply body', () => {
    const missing = operations().flatMap(([name, operation]) => [
      ...Object.entries(operation.requestBody?.content ?? {})
        .filter(([, media]) => Object.keys(media.examples ?? {}).length === 0)
        .map(([type]) => `${name} request ${type}`),
      ...Object.entries(operation.responses).flatMap(([status, reply]) =>
        Object.entries(reply.content ?? {})
          .filter(([, media]) => Object.keys(media.examples ?? {}).length === 0)
          .map(([type]) => `${name} ${status} ${type}`),
      ),
    ]);

    expect(missing).toEqual([]);
  });

  it('names every enum as a schema of its own', () => {
    expect(inlineEnums(document, '')).toEqual([]);
    expect(
      Object.entries(document.components.schemas)
        .filter(([, schema]) => schema.enum)
        .map(([name]) => name)
        .sort(),
    ).toEqual([
      'BatchItemStatus',
      'BatchStatus',
      'BatchWebhookType',
      'CapName',
      'FloatLevel',
      'FloatWebhookType',
      'HistorySource',
      'PayoutStatus',
      'PayoutWebhookType',
      'PayproAvailability',
      'PayproOutcome',
      'PayproWebhookType',
      'QueryBoolean',
      'ReceiptMatch',
      'Resolution',
    ]);
  });

  it('states a license and a contact', () => {
    expect(document.info.license).toEqual({
      name: 'Proprietary: for the merchant and the integrators it names',
      identifier: 'LicenseRef-Proprietary',
    });
    expect(document.info.contact).toEqual({
      name: 'The team that runs this payouts service for the merchant',
    });
  });

  it('offers the local admin key on the operator routes only, and says it is for npm start only', () => {
    const withLocalKey = operations()
      .filter(([, operation]) => operation.security?.some((requirement) => 'localAdminKey' in requirement))
      .map(([name]) => name);

    expect(withLocalKey.length).toBeGreaterThan(0);
    expect(withLocalKey.filter((name) => !name.includes(' /admin/'))).toEqual([]);
    expect(document.components.securitySchemes.localAdminKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-admin-key',
      description: expect.stringMatching(/^LOCAL ONLY: .*No deployed stage accepts it/),
    });
  });
});
