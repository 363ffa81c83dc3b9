/*
 * Property-based fuzzing of POST /payouts and of Paypro's callback route, at handler level,
 * against the real local stack (dynalite and the Paypro sandbox in this process).
 *
 * Bodies are generated as raw JSON text, so they can carry what JSON.stringify cannot write:
 * `__proto__` as an own key, 1e400, -0, duplicate keys. A generated body names a fresh tradeNo
 * through a placeholder that each run (and each shrink) replaces with a new one, so no case
 * ever replays or conflicts with another.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HistoryEntry, PAYOUT_STATUSES, type Payout, type PayoutStatus } from '../../lib/payouts/payout';
import { TRADE_NO_PATTERN } from '../../lib/payouts/schema';
import { callbackToken } from '../../lib/paypro/callback-token';
import { apiEvent, bodyOf, lambdaContext } from '../support/events';
import { startStack, TEST_SECRET } from '../support/stack';

/** Generated cases per property. */
const NUM_RUNS = 3_000;
/** Per property: the whole file takes well under a minute; shrinking a failure takes longer. */
const PROPERTY_TIMEOUT_MS = 180_000;

let stack: Awaited<ReturnType<typeof startStack>>;

beforeAll(async () => {
  // settleMs far beyond the run: no sandbox payout settles and no callback fires meanwhile.
  stack = await startStack({}, { slowMs: 1_500, settleMs: 60_000 });
});
afterAll(async () => {
  await stack?.close();
});

// ---------------------------------------------------------------------------------------------
// Raw JSON text and placeholders
// ---------------------------------------------------------------------------------------------

/** JSON text of a value; what JSON.stringify cannot write (undefined) becomes an empty body. */
function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

/** A JSON object written by hand: every key stays an own key, every value is any JSON text. */
function objectText(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{${entries.map(([key, value]) => `${json(key)}:${value}`).join(',')}}`;
}

/** The entries of a record of optional JSON texts, absent ones left out. */
function presentEntries(fields: Partial<Record<string, string>>): [string, string][] {
  return Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
}

/** Stands for a fresh tradeNo in a generated create body. */
const FRESH_TRADE_NO = json('<fresh-tradeNo>');
/** Stands for the callback path's tradeNo in a generated callback body. */
const PATH_TRADE_NO = json('<path-tradeNo>');
/** Stands for the tradeNo of another real payout in a generated callback body. */
const OTHER_TRADE_NO = json('<another-real-tradeNo>');

const RUN_ID = Date.now().toString(36);
let seq = 0;

/** A tradeNo no other case and no other run uses. */
function freshTradeNo(): string {
  seq += 1;
  return `fz-${RUN_ID}-${seq}`;
}

/** True when nothing has been added to Object.prototype by a `__proto__` key. */
function prototypeIsClean(): boolean {
  return ({} as Record<string, unknown>).polluted === undefined;
}

const NON_EMPTY = expect.stringMatching(/^[\s\S]+$/);

/** A problem+json reply whose `errors` is a non-empty list of {field, message}, both non-empty. */
function expectFieldProblems(response: APIGatewayProxyResult): void {
  expect(response.headers?.['content-type']).toBe('application/problem+json');
  const problem = bodyOf(response);
  expect(problem.status).toBe(response.statusCode);
  expect(Array.isArray(problem.errors) && problem.errors.length > 0, response.body).toBe(true);
  for (const error of problem.errors as unknown[]) {
    expect(error, response.body).toEqual({ field: NON_EMPTY, message: NON_EMPTY });
  }
}

// ---------------------------------------------------------------------------------------------
// Values, valid and weird, as JSON text
// ---------------------------------------------------------------------------------------------

const FIELD_NAMES = ['amount', 'mobile', 'tradeNo', 'remark'];
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];
const WRONG_TYPES = [
  'true',
  'false',
  'null',
  '[]',
  '{}',
  '[100]',
  '{"value":100}',
  '[[[]]]',
  '{"__proto__":{"polluted":true}}',
];
const NUMBER_TEXTS = [
  ...['49', '50', '250000', '250001', '-50', '0', '-0', '50.0', '50.5', '5e1', '2.5e5', '2.50001e5'],
  ...['1e308', '-1e308', '1e400', '1e-400', '9007199254740993', '123456789012345678901234567890'],
];
const NUMERIC_STRINGS = [
  ...['49', '50', '250000', '250001', ' 100', '100 ', '\t100\n', '1e2', '100.0', '+100', '-100', '0x64'],
  ...['1_000', 'NaN', 'Infinity', '-Infinity', '', 'null', 'undefined', '１００', '٣٠٠', '1234567890123456'],
  '000000000000050',
];

/** A whole amount within the bounds, as a number or a digit string. */
const validAmount = fc
  .tuple(fc.oneof(fc.integer({ min: 50, max: 250_000 }), fc.constantFrom(50, 250_000)), fc.boolean())
  .map(([amount, asString]) => json(asString ? String(amount) : amount));

const weirdAmount = fc.oneof(
  fc.constantFrom(...NUMBER_TEXTS, ...WRONG_TYPES),
  fc.constantFrom(...NUMERIC_STRINGS).map(json),
  fc.double().map(json),
  fc.integer({ max: -1 }).map(json),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc.string({ unit: 'grapheme' }).map(json),
  validAmount,
);

/** A national number 7xxxxxxxx or 1xxxxxxxx, never the sandbox's scripted 2547000000xx. */
const subscriber = fc
  .tuple(fc.constantFrom('7', '1'), fc.integer({ min: 10_000_000, max: 99_999_999 }))
  .map(([prefix, rest]) => `${prefix}${rest}`);

const MOBILE_FORMATS: ReadonlyArray<(n: string) => string> = [
  (n) => `0${n}`,
  (n) => `+254 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
  (n) => `254${n}`,
  (n) => n,
  (n) => `+254${n}`,
  (n) => `0${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`,
];

/** A valid Kenyan mobile in one of the accepted ways of writing it. */
const validMobile = fc
  .tuple(subscriber, fc.integer({ min: 0, max: MOBILE_FORMATS.length - 1 }))
  .map(([n, format]) => (MOBILE_FORMATS[format] ?? String)(n));

const MOBILE_STRINGS = [
  ...['０７１２３４５６７８', '٠٧١٢٣٤٥٦٧٨', '07123456789', '071234567', '0812345678', '+1 712 345 678'],
  ...['254 712 345 678 9', '0712345678\u0000', '(071) 234-5678', '0712.345.678', '+254-0712345678'],
  ...['0712\u00a0345\u2003678', '7'.repeat(33), ''],
];

const weirdMobile = fc.oneof(
  fc.constantFrom(...MOBILE_STRINGS).map(json),
  fc.constantFrom('712345678', '254712345678', '0712345678', ...WRONG_TYPES),
  fc.string({ unit: 'grapheme' }).map(json),
  validMobile.map(json),
);

/** A tradeNo that breaks the rule: never a string TRADE_NO_PATTERN accepts. */
const badTradeNo = fc.oneof(
  fc
    .string({ unit: 'grapheme' })
    .filter((s) => !TRADE_NO_PATTERN.test(s))
    .map(json),
  fc.constantFrom('a'.repeat(65), 'order 1', 'order/1', 'ордер-1', 'order-1\n', '').map(json),
  fc.constantFrom('12345', '-1', ...WRONG_TYPES, `[${FRESH_TRADE_NO}]`),
);

const weirdTradeNo = fc.oneof({ arbitrary: fc.constant(FRESH_TRADE_NO), weight: 2 }, badTradeNo);

const weirdRemark = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }).map(json),
  fc
    .constantFrom('x'.repeat(100), 'x'.repeat(101), '😀'.repeat(50), '😀'.repeat(51), '', '\u0000', '\ud800')
    .map(json),
  fc.constantFrom('100', ...WRONG_TYPES),
);

const POLLUTION_VALUES = [
  '{"polluted":true}',
  '{"amount":100,"mobile":"0712345678"}',
  '{"prototype":{"polluted":true}}',
  'null',
  '1',
  '"x"',
  '[]',
];

/** A prototype-pollution key with a value. */
const pollutionEntry = fc.tuple(fc.constantFrom(...POLLUTION_KEYS), fc.constantFrom(...POLLUTION_VALUES));

/** Any other key, unicode included, with any JSON value. */
const extraEntry = fc.tuple(fc.string({ unit: 'grapheme', maxLength: 10 }), fc.json({ maxDepth: 1 }));

/** Text from about 1 000 to 20 000 characters, some of them well around the 16 KiB body limit. */
const hugeText = fc
  .record({
    piece: fc.constantFrom('a', '0', 'é', '€', '😀', '"', '\\', ' '),
    size: fc.oneof(fc.integer({ min: 1_000, max: 20_000 }), fc.integer({ min: 16_250, max: 16_400 })),
  })
  .map(({ piece, size }) => piece.repeat(size));

/** Any JavaScript value fast-check can think of, as JSON text. */
const anythingText = fc
  .anything({ key: fc.oneof(fc.string(), fc.constantFrom(...FIELD_NAMES, ...POLLUTION_KEYS)), maxDepth: 3 })
  .map(json);

const NOT_JSON = [
  ...[
    '{"amount":',
    '{"amount":100,"mobile":"0712345678",}',
    "{'amount':100}",
    'amount=100&mobile=0712345678',
  ],
  ...['<payout amount="100"/>', 'NaN', 'undefined', '{amount:100}', '\u0000', ' ', '[', '"'],
  ...['\ufeff{"amount":100,"mobile":"0712345678"}', '{"amount":100}{"amount":100}'],
];

// ---------------------------------------------------------------------------------------------
// POST /payouts cases
// ---------------------------------------------------------------------------------------------

/** A raw create body and what it must get: 201, a 4xx, or either. */
interface CreateCase {
  expect: 'created' | 'refused' | 'either';
  body: string;
}

const createCase =
  (expectation: CreateCase['expect']) =>
  (body: string): CreateCase => ({ expect: expectation, body });

/** A valid request: mostly with a fresh tradeNo, sometimes without one. */
const validCreate = fc
  .record({
    amount: validAmount,
    mobile: validMobile.map(json),
    remark: fc.option(
      fc
        .string({ unit: 'grapheme', maxLength: 40 })
        .filter((s) => s.length <= 100)
        .map(json),
      { nil: undefined },
    ),
    tradeNo: fc.oneof({ arbitrary: fc.constant(FRESH_TRADE_NO), weight: 9 }, fc.constant(undefined)),
  })
  .map((fields) => createCase('created')(objectText(presentEntries(fields))));

/** The real field names with values of every wrong (and sometimes right) type, plus odd keys. */
const fieldsCreate = fc
  .record({
    fields: fc.record(
      { amount: weirdAmount, mobile: weirdMobile, tradeNo: weirdTradeNo, remark: weirdRemark },
      { requiredKeys: [] },
    ),
    pollution: fc.array(pollutionEntry, { maxLength: 2 }),
    extra: fc.array(extraEntry, { maxLength: 1 }),
    pollutionFirst: fc.boolean(),
  })
  .map(({ fields, pollution, extra, pollutionFirst }) => {
    const own = presentEntries(fields);
    const entries = pollutionFirst ? [...pollution, ...own, ...extra] : [...own, ...extra, ...pollution];
    return createCase('either')(objectText(entries));
  });

/** A valid request with one prototype-pollution key added: always refused. */
const pollutedCreate = fc
  .tuple(pollutionEntry, validCreate)
  .map(([[key, value], valid]) =>
    createCase('refused')(valid.body.replace(/^\{/, `{${json(key)}:${value},`)),
  );

/** Huge text as the whole body, as one field's value, or as a key. */
const hugeCreate = fc
  .tuple(hugeText, fc.constantFrom('body', 'amount', 'mobile', 'tradeNo', 'remark', 'key'))
  .map(([text, where]) => {
    if (where === 'body') return createCase('refused')(text);
    const fields: Record<string, string> = { amount: '100', mobile: '"0712345678"', tradeNo: FRESH_TRADE_NO };
    const entries = Object.entries({
      ...fields,
      ...(where === 'key' ? { [text]: '1' } : { [where]: json(text) }),
    });
    return createCase('refused')(objectText(entries));
  });

/** Text that is not JSON, or not a JSON object: arbitrary strings, typos, a valid body cut short. */
const notJsonCreate = fc.oneof(
  fc.constantFrom(...NOT_JSON).map(createCase('refused')),
  fc.string({ unit: 'grapheme' }).map(createCase('either')),
  fc.string({ unit: 'binary' }).map(createCase('either')),
  validCreate.chain((valid) =>
    fc
      .integer({ min: 0, max: valid.body.length - 1 })
      .map((end) => createCase('refused')(valid.body.slice(0, end))),
  ),
);

/** Every kind of create body; one case in five is a valid request. */
const anyCreate = fc.oneof(
  { arbitrary: validCreate, weight: 5 },
  { arbitrary: fieldsCreate, weight: 7 },
  { arbitrary: fc.json({ maxDepth: 3 }).map(createCase('either')), weight: 3 },
  { arbitrary: anythingText.map(createCase('either')), weight: 3 },
  { arbitrary: notJsonCreate, weight: 3 },
  { arbitrary: hugeCreate, weight: 2 },
  { arbitrary: pollutedCreate, weight: 2 },
);

function postPayout(rawBody: string) {
  return stack.createPayout(apiEvent({ rawBody }), lambdaContext());
}

/** The body's own `tradeNo` when it is a string the service would accept as one. */
function acceptableTradeNoIn(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, 'tradeNo')) return undefined;
  const { tradeNo } = parsed as { tradeNo: unknown };
  return typeof tradeNo === 'string' && TRADE_NO_PATTERN.test(tradeNo) ? tradeNo : undefined;
}

/** A 201/202 naming the payout, which the sandbox received exactly once. */
function expectCreatedAndSentOnce(response: APIGatewayProxyResult, tradeNo: string | undefined): void {
  expect([201, 202]).toContain(response.statusCode);
  const payout = bodyOf(response);
  expect(PAYOUT_STATUSES).toContain(payout.status);
  expect(typeof payout.tradeNo).toBe('string');
  if (tradeNo !== undefined) expect(payout.tradeNo).toBe(tradeNo);
  expect(stack.sandbox.payoutCalls(String(payout.tradeNo))).toBe(1);
}

/** A 4xx listing its field problems, with nothing written and nothing sent. */
async function expectRefusedUntouched(
  response: APIGatewayProxyResult,
  body: string,
  sentBefore: number,
): Promise<void> {
  expect(response.statusCode).toBeGreaterThanOrEqual(400);
  expectFieldProblems(response);
  const tradeNo = acceptableTradeNoIn(body);
  if (tradeNo !== undefined) {
    expect(await stack.deps.repository.get(tradeNo)).toBeUndefined();
    expect(stack.sandbox.payoutCalls(tradeNo)).toBe(0);
  }
  expect(stack.sandbox.payouts.size).toBe(sentBefore);
}

/** One generated create request against the stack. */
async function checkCreate(generated: CreateCase): Promise<void> {
  // Prepare
  const tradeNo = freshTradeNo();
  const body = generated.body.replaceAll(FRESH_TRADE_NO, json(tradeNo));
  const sentBefore = stack.sandbox.payouts.size;
  // Act
  const response = await postPayout(body);
  // Assess
  expect(response.statusCode, response.body).toBeLessThan(500);
  expect(prototypeIsClean()).toBe(true);
  if (generated.expect === 'created') expect(response.statusCode, response.body).toBe(201);
  if (generated.expect === 'refused') expect(response.statusCode, response.body).toBe(400);
  if (response.statusCode === 201 || response.statusCode === 202) {
    expectCreatedAndSentOnce(response, generated.body.includes(FRESH_TRADE_NO) ? tradeNo : undefined);
  } else {
    await expectRefusedUntouched(response, body, sentBefore);
  }
}

describe('POST /payouts under fuzzing', () => {
  it(
    'never answers 5xx: a valid payout is created and sent once, anything else is a 4xx that writes and sends nothing',
    async () => {
      await fc.assert(fc.asyncProperty(anyCreate, checkCreate), { numRuns: NUM_RUNS });
    },
    PROPERTY_TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// Callback cases
// ---------------------------------------------------------------------------------------------

const REAL_PAYOUTS = 5;
const REAL_AMOUNT = 100;

/** The path's tradeNo: one of the real payouts (by index) or any string. */
type PathChoice = { real: number } | { arbitrary: string };
/** The path's token: derived at run time from the path's tradeNo, or any string. */
type TokenChoice = 'valid' | 'of-another-payout' | 'other-key' | 'tampered' | 'truncated' | 'padded';

interface CallbackCase {
  path: PathChoice;
  token: { derived: TokenChoice } | { arbitrary: string };
  body: string;
}

const pathChoice = fc.oneof(
  {
    arbitrary: fc.integer({ min: 0, max: REAL_PAYOUTS - 1 }).map((real): PathChoice => ({ real })),
    weight: 6,
  },
  {
    arbitrary: fc
      .oneof(
        fc.string(),
        fc.string({ unit: 'grapheme' }),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        fc.constantFrom(...POLLUTION_KEYS, '', ' ', 'x'.repeat(2_000)),
      )
      .map((arbitrary): PathChoice => ({ arbitrary })),
    weight: 4,
  },
);

const tokenChoice = fc.oneof(
  { arbitrary: fc.constant({ derived: 'valid' }), weight: 8 },
  {
    arbitrary: fc
      .constantFrom('of-another-payout', 'other-key', 'tampered', 'truncated', 'padded')
      .map((derived) => ({ derived })),
    weight: 2,
  },
  {
    arbitrary: fc
      .oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.constant('x'.repeat(5_000)))
      .map((arbitrary) => ({ arbitrary })),
    weight: 2,
  },
);

const MATCHING_AMOUNTS = [
  '100',
  '"100"',
  '100.0000',
  '"100.0000"',
  '1e2',
  '1.00e2',
  '" 100 "',
  '"0100"',
  '100.0',
];
const OTHER_AMOUNTS = ['100.5', '"100.5"', '99', '101', '"1e2"', '-100', '0', '"100."', '"１００"', '1e400'];

const callbackAmount = fc.oneof(
  { arbitrary: fc.constantFrom(...MATCHING_AMOUNTS), weight: 3 },
  fc.constantFrom(...OTHER_AMOUNTS),
);

const statusCode = fc.oneof(
  { arbitrary: fc.constantFrom('"0000"', '"0015"', '"00029"', '"00032"'), weight: 3 },
  fc.stringMatching(/^\w{1,32}$/).map(json),
);

/** Paypro's `yyyy-MM-dd HH:mm:ss`. */
const kenyaTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 19).replace('T', ' '));

const BAD_TIMES = [
  ...['2024-02-31 10:00:00', '2024-13-01 00:00:00', '2024-01-01 24:00:00', '2024-01-01 23:60:00'],
  ...['2024-01-01T10:00:00Z', '2024-1-1 1:1:1', '0000-01-01 00:00:00', '9999-12-31 23:59:59'],
  ...['２０２４-01-01 00:00:00', 'yesterday', ' ', '2024-01-01 10:00:00 '],
];

/** A callback body Paypro could have sent for the path's payout, amount and status varying. */
const wellFormedCallback = fc
  .record(
    {
      platFormTradeNo: fc.string({ maxLength: 128 }).map(json),
      tradeNo: fc.constant(PATH_TRADE_NO),
      amount: callbackAmount,
      status: statusCode,
      message: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }).map(json), fc.constant('null')),
      successTime: fc.oneof(kenyaTime.map(json), fc.constantFrom('null', '""')),
    },
    { requiredKeys: ['tradeNo', 'amount', 'status'] },
  )
  .map((fields) => objectText(presentEntries(fields)));

/** The callback's field names with values of wrong or weird types, plus odd keys. */
const weirdCallback = fc
  .record({
    fields: fc.record(
      {
        platFormTradeNo: fc.oneof(
          fc.string({ unit: 'grapheme' }).map(json),
          fc.constantFrom(json('p'.repeat(129)), PATH_TRADE_NO, '12345', ...WRONG_TYPES),
        ),
        tradeNo: fc.oneof(
          { arbitrary: fc.constant(PATH_TRADE_NO), weight: 3 },
          fc.constantFrom(OTHER_TRADE_NO, json('t'.repeat(65)), json(''), '12345', ...WRONG_TYPES),
          fc.string({ unit: 'grapheme' }).map(json),
        ),
        amount: fc.oneof(callbackAmount, weirdAmount, fc.constant(json('1'.repeat(33)))),
        status: fc.oneof(
          statusCode,
          fc.constantFrom(
            '""',
            '"00 00"',
            json('0'.repeat(33)),
            '"０００"',
            '"status-1"',
            '0',
            ...WRONG_TYPES,
          ),
          fc.string({ unit: 'grapheme' }).map(json),
        ),
        message: fc.oneof(
          fc.string({ unit: 'grapheme' }).map(json),
          fc.constantFrom(json('m'.repeat(513)), '0', ...WRONG_TYPES),
        ),
        successTime: fc.oneof(
          kenyaTime.map(json),
          fc.constantFrom(...BAD_TIMES).map(json),
          fc.constantFrom('1700000000000', ...WRONG_TYPES),
          fc.string({ unit: 'grapheme' }).map(json),
        ),
      },
      { requiredKeys: [] },
    ),
    pollution: fc.array(pollutionEntry, { maxLength: 2 }),
    extra: fc.array(extraEntry, { maxLength: 1 }),
  })
  .map(({ fields, pollution, extra }) => objectText([...pollution, ...presentEntries(fields), ...extra]));

/** A well-formed callback with a prototype-pollution key added. */
const pollutedCallback = fc
  .tuple(pollutionEntry, wellFormedCallback)
  .map(([[key, value], body]) => body.replace(/^\{/, `{${json(key)}:${value},`));

const anyCallbackBody = fc.oneof(
  { arbitrary: wellFormedCallback, weight: 6 },
  { arbitrary: weirdCallback, weight: 6 },
  { arbitrary: pollutedCallback, weight: 2 },
  { arbitrary: fc.json({ maxDepth: 3 }), weight: 2 },
  { arbitrary: anythingText, weight: 2 },
  { arbitrary: fc.oneof(fc.constantFrom(...NOT_JSON), fc.string({ unit: 'grapheme' })), weight: 2 },
  { arbitrary: hugeText, weight: 1 },
);

const anyCallback = fc.record({ path: pathChoice, token: tokenChoice, body: anyCallbackBody });

/** The real payouts as they were recorded before any fuzzed callback. */
const realPayouts: Payout[] = [];

function realPayout(index: number): Payout {
  const payout = realPayouts[index % realPayouts.length];
  if (!payout) throw new Error(`no real payout ${index}`);
  return payout;
}

/** Creates a payout the sandbox keeps processing until settleMs, and returns it as recorded. */
async function createRealPayout(): Promise<Payout> {
  const tradeNo = freshTradeNo();
  const response = await postPayout(json({ amount: REAL_AMOUNT, mobile: '0712345678', tradeNo }));
  expect(response.statusCode, response.body).toBe(201);
  const payout = await stack.deps.repository.get(tradeNo);
  if (!payout) throw new Error(`payout ${tradeNo} was not recorded`);
  expect(payout.status).toBe('PROCESSING');
  return payout;
}

/** The token a choice stands for, given the path's tradeNo and another real one. */
function tokenFor(choice: CallbackCase['token'], tradeNo: string, other: string): string {
  if ('arbitrary' in choice) return choice.arbitrary;
  const valid = callbackToken(TEST_SECRET.callbackKey, tradeNo);
  switch (choice.derived) {
    case 'valid':
      return valid;
    case 'of-another-payout':
      return callbackToken(TEST_SECRET.callbackKey, other);
    case 'other-key':
      return callbackToken('another-callback-key-0123456789', tradeNo);
    case 'tampered':
      return `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`;
    case 'truncated':
      return valid.slice(0, -1);
    default:
      return `${valid}=`;
  }
}

/** A generated callback made concrete: path, token and body, and the real payout it names. */
function resolveCallback(generated: CallbackCase) {
  const real = 'real' in generated.path ? realPayout(generated.path.real) : undefined;
  const tradeNo = real?.tradeNo ?? ('arbitrary' in generated.path ? generated.path.arbitrary : '');
  const other = realPayout('real' in generated.path ? generated.path.real + 1 : 0).tradeNo;
  const token = tokenFor(generated.token, tradeNo, other);
  const body = generated.body
    .replaceAll(PATH_TRADE_NO, json(tradeNo))
    .replaceAll(OTHER_TRADE_NO, json(other));
  const tokenValid = token === callbackToken(TEST_SECRET.callbackKey, tradeNo);
  return { real, tradeNo, token, body, tokenValid };
}

/** Posts a callback to the composed handler, as API Gateway would. */
function postCallback(call: { tradeNo: string; token: string; body: string }) {
  return stack.callback(
    apiEvent({
      path: `/callbacks/paypro/${call.tradeNo}/${call.token}`,
      rawBody: call.body,
      pathParameters: { tradeNo: call.tradeNo, token: call.token },
    }),
    lambdaContext(),
  );
}

/** A wrong token is refused with 401 before anything else, the body included, is looked at. */
function expectTokenRefused(response: APIGatewayProxyResult): void {
  expect(response.statusCode, response.body).toBe(401);
}

/** 200 `OK`, or a 400/401/404/409 problem+json consistent with the token and the path. */
function expectCallbackReply(
  response: APIGatewayProxyResult,
  call: ReturnType<typeof resolveCallback>,
): void {
  expect([200, 400, 401, 404, 409], response.body).toContain(response.statusCode);
  if (call.tokenValid) expect(response.statusCode, response.body).not.toBe(401);
  else expectTokenRefused(response);
  if (response.statusCode === 200) {
    expect(response.body).toBe('OK');
    expect(call.real).toBeDefined();
    return;
  }
  if (response.statusCode === 404) expect(call.real).toBeUndefined();
  if (response.statusCode === 400) {
    expectFieldProblems(response);
    return;
  }
  expect(response.headers?.['content-type']).toBe('application/problem+json');
  expect(bodyOf(response).status).toBe(response.statusCode);
}

/** One generated callback against the stack. */
async function checkCallback(generated: CallbackCase): Promise<void> {
  // Prepare
  const call = resolveCallback(generated);
  // Act
  const response = await postCallback(call);
  // Assess
  expect(response.statusCode, response.body).toBeLessThan(500);
  expect(prototypeIsClean()).toBe(true);
  expectCallbackReply(response, call);
  if (call.real) expect(await stack.deps.repository.get(call.tradeNo)).toEqual(call.real);
}

const STATUS_RANK: Record<PayoutStatus, number> = { PENDING: 0, PROCESSING: 1, SUCCEEDED: 2, FAILED: 2 };

/** The statuses a history went through only ever moved forward, and at most one is final. */
function expectOnlyForward(history: HistoryEntry[]): void {
  const ranks = history.flatMap((entry) => (entry.status ? [STATUS_RANK[entry.status]] : []));
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  expect(ranks.filter((rank) => rank === 2).length).toBeLessThanOrEqual(1);
}

describe('POST /callbacks/paypro/{tradeNo}/{token} under fuzzing', () => {
  beforeAll(async () => {
    for (let i = 0; i < REAL_PAYOUTS; i += 1) realPayouts.push(await createRealPayout());
  });

  it(
    'never answers 5xx, refuses what it must, and no forged callback changes a real payout',
    async () => {
      // Act
      await fc.assert(fc.asyncProperty(anyCallback, checkCallback), { numRuns: NUM_RUNS });
      // Assess: Paypro's query says 0015 for all of them, so nothing may have settled any.
      for (const before of realPayouts) {
        const after = await stack.deps.repository.get(before.tradeNo);
        expect(after?.status).toBe('PROCESSING');
        expectOnlyForward(after?.history ?? []);
        expect(after).toEqual(before);
        expect(stack.sandbox.payoutCalls(before.tradeNo)).toBe(1);
      }
    },
    PROPERTY_TIMEOUT_MS,
  );
});
