/*
 * The contract check: a reply the tests receive must be one that openapi.json (the checked-in
 * document) describes: its route, its status, its content type and a body that validates
 * against the schema there. The schema validation is done by @hyperjump/json-schema, an
 * OpenAPI 3.1 / JSON Schema 2020-12 validator independent of the zod schemas that generate
 * the document. test/support/contract-setup.ts routes every reply of the tests through here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASIC } from '@hyperjump/json-schema/experimental';
import { validate } from '@hyperjump/json-schema/openapi-3-1';

const DOCUMENT_PATH = resolve(import.meta.dirname, '../../openapi.json');
const DOCUMENT_URL = pathToFileURL(DOCUMENT_PATH).href;

interface ResponseObject {
  content?: Record<string, unknown>;
  headers?: Record<string, { required?: boolean }>;
}
interface Document {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
}

let document: Document | undefined;
const documentOf = (): Document => {
  document ??= JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as Document;
  return document;
};

/** A reply as a handler returns it or as it came over HTTP. */
export interface Reply {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: string;
}

/** One segment of a JSON Pointer (RFC 6901) in a URI fragment: `{` and `}` percent-encoded. */
const segment = (text: string) => encodeURIComponent(text.replace(/~/g, '~0').replace(/\//g, '~1'));

type Validator = (value: unknown, format: typeof BASIC) => { valid: boolean; errors?: OutputUnit[] };
interface OutputUnit {
  keyword: string;
  absoluteKeywordLocation: string;
  instanceLocation: string;
}
const validators = new Map<string, Promise<Validator>>();

function validatorAt(pointer: string): Promise<Validator> {
  let validator = validators.get(pointer);
  if (!validator) {
    validator = validate(`${DOCUMENT_URL}#${pointer}`) as unknown as Promise<Validator>;
    validators.set(pointer, validator);
  }
  return validator;
}

function headerOf(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return entry === undefined || entry[1] === undefined ? undefined : String(entry[1]);
}

const excerpt = (text: string | undefined) =>
  text === undefined ? '(no body)' : text.length > 600 ? `${text.slice(0, 600)}…` : text;

/** Where a value broke the schema, one line each: the instance location and the keyword. */
function explain(errors: OutputUnit[]): string {
  const lines = errors.map((error) => {
    const keyword = error.keyword.split('/').at(-1);
    const where = error.absoluteKeywordLocation.replace(DOCUMENT_URL, 'openapi.json');
    return `  ${error.instanceLocation}: fails ${keyword} (${where})`;
  });
  return [...new Set(lines)].join('\n');
}

type Fail = (what: string) => never;

/** A function that throws, naming the route, the status and what is wrong with the reply. */
const failing =
  (route: string, reply: Reply): Fail =>
  (what) => {
    throw new Error(
      `Contract: ${route} replied ${reply.statusCode}, which openapi.json does not allow: ${what}\n` +
        `  body: ${excerpt(reply.body)}\n` +
        '  (If the API changed on purpose, change its schemas in contract/ and run `npm run openapi`.)',
    );
  };

/** The document's response for this method, path and status, or a failure saying which is missing. */
function documentedResponse(method: string, path: string, status: string, fail: Fail): ResponseObject {
  const operation = documentOf().paths[path]?.[method.toLowerCase()];
  if (!operation) return fail('the route is not in the document');
  return operation.responses?.[status] ?? fail(`status ${status} is not documented for this route`);
}

/** The reply's content type, which the response must document. */
function documentedContentType(content: Record<string, unknown>, reply: Reply, fail: Fail): string {
  const contentType = headerOf(reply.headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType === undefined || !(contentType in content)) {
    return fail(
      `content type ${contentType ?? '(none)'} is not documented (documented: ${Object.keys(content).join(', ')})`,
    );
  }
  return contentType;
}

/** The body as the schema sees it: parsed for a JSON type, the text otherwise. */
function bodyValue(contentType: string, reply: Reply, fail: Fail): unknown {
  if (contentType !== 'application/json' && !contentType.endsWith('+json')) return reply.body ?? '';
  try {
    return JSON.parse(reply.body ?? '');
  } catch {
    return fail(`the body is not JSON although the content type is ${contentType}`);
  }
}

/**
 * Throws, naming the route, the status and what is wrong, unless openapi.json documents this
 * reply to `route` ("POST /payouts/{tradeNo}": the method and the path as the document names it).
 */
export async function checkReply(route: string, reply: Reply): Promise<void> {
  const [method = '', path = ''] = route.split(' ');
  const fail = failing(route, reply);
  const status = String(reply.statusCode);
  const response = documentedResponse(method, path, status, fail);
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if (header.required && headerOf(reply.headers, name) === undefined) fail(`header ${name} is missing`);
  }
  if (!response.content) {
    if (reply.body) fail('the document says this reply has no body');
    return;
  }
  const contentType = documentedContentType(response.content, reply, fail);
  const value = bodyValue(contentType, reply, fail);
  const pointer = `/paths/${segment(path)}/${method.toLowerCase()}/responses/${status}/content/${segment(contentType)}/schema`;
  const output = (await validatorAt(pointer))(value, BASIC);
  if (!output.valid)
    fail(`the ${contentType} body does not match its schema:\n${explain(output.errors ?? [])}`);
}

/** The documented route ("GET /payouts/{tradeNo}") a request path ("/payouts/abc") is for, if any. */
export function routeOf(method: string, path: string): string | undefined {
  const templates = Object.keys(documentOf().paths)
    // Literal paths before templated ones, so /a/b.csv wins over /a/{id}.
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  const template = templates.find((candidate) => {
    const pattern = candidate
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
      .join('');
    return new RegExp(`^${pattern}$`).test(path) && documentOf().paths[candidate]?.[method.toLowerCase()];
  });
  return template === undefined ? undefined : `${method.toUpperCase()} ${template}`;
}

/** API base URLs (`http://127.0.0.1:PORT/dev`) whose replies over HTTP are checked. */
const watchedApis = new Set<string>();

/** Checks every reply `fetch` gets from below `baseUrl` from now on (see contract-setup.ts). */
export function watchApi(baseUrl: string): void {
  watchedApis.add(baseUrl.replace(/\/$/, ''));
}

/** The route and path below a watched API base, or undefined for any other URL. */
export function watchedRequest(url: string): string | undefined {
  for (const base of watchedApis) {
    if (url === base || url.startsWith(`${base}/`))
      return new URL(url).pathname.slice(new URL(base).pathname.length);
  }
  return undefined;
}

/** A handler wrapped so that each reply it gives is checked against the document. */
export function contractChecked<E, C, R extends Reply>(
  route: string | ((event: E) => string),
  handler: (event: E, context: C) => Promise<R>,
): (event: E, context: C) => Promise<R> {
  return async (event, context) => {
    const reply = await handler(event, context);
    await checkReply(typeof route === 'function' ? route(event) : route, reply);
    return reply;
  };
}
