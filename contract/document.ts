/*
 * The API's OpenAPI 3.1 document, generated: request schemas from the zod schemas the handlers
 * validate with (./requests.ts), replies and webhook bodies from ./schemas.ts and its siblings,
 * which the compiler keeps equal to the types the handlers reply and publish with. `npm run
 * openapi` writes it to openapi.json, which is checked in (a diff shows a contract change) and
 * served by GET /openapi.json. Build tooling: nothing at run time imports this folder.
 */
import { resolve } from 'node:path';
import packageJson from '../package.json';
import './batch-schemas';
import './events';
import './float-schemas';
import './paypro-schemas';
import { componentsOf } from './json-schema';
import { adminPaths } from './paths-admin';
import { appPaths } from './paths-app';
import { PROBLEM_BASE } from './problems';
import { defaultAmountBounds, requestComponents } from './requests';
import { replies } from './schemas';
import { webhooks } from './webhooks';

/** The OpenAPI 3.1 document of the whole API. */
export function buildDocument() {
  const bounds = defaultAmountBounds();
  const paths = { ...appPaths(), ...adminPaths() };
  const schemas = {
    ...componentsOf(replies, 'output'),
    ...requestComponents(bounds),
    Problem: PROBLEM_BASE,
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Paypro Kenya payouts',
      version: packageJson.version,
      description:
        'Pays out to M-Pesa wallets in Kenya through Paypro, each payout sent exactly once. ' +
        'Apps send the API key in `x-api-key` (a stage may also require SigV4); Paypro calls back ' +
        'on the notifyUrl given with each payout. Errors are problem+json (RFC 9457). A JSON body ' +
        'that gives a key twice in one object, at any depth, is a 400 naming the key (`is given more ' +
        'than once`); a query parameter a route does not take is a 400 naming it. Every change of a ' +
        'payout or batch reaches the merchant as a signed webhook (`webhooks`).',
      contact: { name: 'The team that runs this payouts service for the merchant' },
      license: {
        name: 'Proprietary: for the merchant and the integrators it names',
        identifier: 'LicenseRef-Proprietary',
      },
    },
    servers: [
      {
        url: 'http://127.0.0.1:3000/dev',
        description:
          '`npm start` on your own machine. Only here do the /admin routes take the header x-admin-key ' +
          '(security scheme localAdminKey) in place of a SigV4 signature.',
      },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: 'A deployed stage',
        variables: {
          apiId: { default: 'apiId', description: 'The REST API id (README, "Deploy")' },
          region: { default: 'eu-west-1' },
          stage: { default: 'prod' },
        },
      },
    ],
    tags: [
      { name: 'payouts', description: 'One payout at a time' },
      { name: 'batches', description: 'Up to 10,000 payouts in one request' },
      { name: 'callbacks', description: 'Called by Paypro, not by apps' },
      {
        name: 'admin',
        description:
          'For operators: AWS_IAM (SigV4) in every stage, never the API key. Under `npm start` the ' +
          'header x-admin-key (LOCAL_ADMIN_KEY, default local-admin-key) stands in for the signature.',
      },
      { name: 'meta', description: 'About the API itself' },
      {
        name: 'webhooks',
        description:
          'Sent to the merchant: one POST per event and endpoint, signed as Standard Webhooks says ' +
          '(https://www.standardwebhooks.com/), so any of its libraries verifies it.',
      },
    ],
    paths,
    webhooks: webhooks(),
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: "The stage's API key (API Gateway usage plan: rate, burst and daily quota).",
        },
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'AWS Signature Version 4 (API Gateway AWS_IAM authorisation): sign the request with ' +
            'credentials allowed execute-api:Invoke on the route.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
        localAdminKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-admin-key',
          description:
            'LOCAL ONLY: under `npm start` (server http://127.0.0.1:3000/dev) the /admin routes take this ' +
            'header, equal to LOCAL_ADMIN_KEY (default local-admin-key, printed at start), in place of SigV4. ' +
            'No deployed stage accepts it: there the /admin routes are AWS_IAM (sigv4) only.',
        },
      },
    },
  };
}

/** Where the checked-in document lives: openapi.json at the repository root. */
export const DOCUMENT_PATH = resolve(import.meta.dirname, '../openapi.json');

/** The document as openapi.json holds it: 2-space indent, a final newline. */
export function renderDocument(document: unknown = buildDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
