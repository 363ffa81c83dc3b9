/*
 * The slice of DynamoDB's expression language that lib/payouts/repository.ts sends, evaluated on
 * plain objects. Anything else throws, so a repository change the fake does not understand fails
 * loudly instead of being silently mis-modelled.
 */

/** A stored item: the document client's plain-object view of it. */
export type Item = Record<string, unknown>;

/** The names and values an expression refers to. */
export interface ExpressionContext {
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** The error DynamoDB raises when a ConditionExpression is false; the repository matches on its name. */
export function conditionFailed(): Error {
  const error = new Error('The conditional request failed');
  error.name = 'ConditionalCheckFailedException';
  return error;
}

function unsupported(what: string): Error {
  return new Error(`bench fake DynamoDB: unsupported expression ${JSON.stringify(what)}`);
}

/** Splits on commas outside parentheses: `a = :x, b = list_append(b, :y)` → two actions. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p !== '');
}

/** `paypro.#p0` → ['paypro', 'serialNumber'], with `#name` placeholders resolved. */
function pathOf(expression: string, ctx: ExpressionContext): string[] {
  return expression
    .trim()
    .split('.')
    .map((segment) => {
      if (!/^#?\w+$/.test(segment)) throw unsupported(expression);
      if (!segment.startsWith('#')) return segment;
      const name = ctx.names?.[segment];
      if (name === undefined) throw new Error(`bench fake DynamoDB: undefined name ${segment}`);
      return name;
    });
}

function getPath(item: Item | undefined, path: string[]): unknown {
  let current: unknown = item;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Item)[key];
  }
  return current;
}

/** A `:value` placeholder or a document path, read from the item. */
function operand(expression: string, item: Item | undefined, ctx: ExpressionContext): unknown {
  const text = expression.trim();
  if (text.startsWith(':')) {
    if (!ctx.values || !(text in ctx.values)) throw new Error(`bench fake DynamoDB: undefined value ${text}`);
    return ctx.values[text];
  }
  return getPath(item, pathOf(text, ctx));
}

/** DynamoDB compares only values of the same type; anything else is simply false. */
function compare(left: unknown, op: string, right: unknown): boolean {
  if (left === undefined || right === undefined) return op === '<>' && left !== right;
  if (typeof left !== typeof right || (typeof left !== 'string' && typeof left !== 'number')) {
    if (op === '=') return JSON.stringify(left) === JSON.stringify(right);
    if (op === '<>') return JSON.stringify(left) !== JSON.stringify(right);
    return false;
  }
  const l = left as string | number;
  const r = right as string | number;
  switch (op) {
    case '=':
      return l === r;
    case '<>':
      return l !== r;
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
    default:
      throw unsupported(op);
  }
}

function sizeOf(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return undefined;
}

/** One term of a condition: a function, an IN list or a comparison. */
function term(text: string, item: Item | undefined, ctx: ExpressionContext): boolean {
  let m = /^attribute_exists\((.+)\)$/.exec(text);
  if (m?.[1]) return getPath(item, pathOf(m[1], ctx)) !== undefined;
  m = /^attribute_not_exists\((.+)\)$/.exec(text);
  if (m?.[1]) return getPath(item, pathOf(m[1], ctx)) === undefined;
  m = /^(\S+) IN \((.+)\)$/.exec(text);
  if (m?.[1] && m[2]) {
    const left = operand(m[1], item, ctx);
    return splitTopLevel(m[2]).some((candidate) => compare(left, '=', operand(candidate, item, ctx)));
  }
  m = /^size\((.+)\) (<>|<=|>=|=|<|>) (\S+)$/.exec(text);
  if (m?.[1] && m[2] && m[3]) {
    return compare(sizeOf(getPath(item, pathOf(m[1], ctx))), m[2], operand(m[3], item, ctx));
  }
  m = /^(\S+) (<>|<=|>=|=|<|>) (\S+)$/.exec(text);
  if (m?.[1] && m[2] && m[3]) return compare(operand(m[1], item, ctx), m[2], operand(m[3], item, ctx));
  throw unsupported(text);
}

/** Splits on ` AND ` outside parentheses. */
function splitAnd(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') depth -= 1;
    else if (depth === 0 && text.startsWith(' AND ', i)) {
      parts.push(text.slice(start, i));
      start = i + 5;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/**
 * Evaluates a condition made of terms joined by AND, where a parenthesised term may join
 * terms by OR (the only connectives the repository uses).
 */
export function evaluateCondition(
  expression: string | undefined,
  item: Item | undefined,
  ctx: ExpressionContext,
): boolean {
  if (expression === undefined) return true;
  // `NOT (a OR b)` as a whole condition (the caps' counters); a comparison with a missing
  // attribute is false in it, as in DynamoDB.
  const negated = /^NOT \((.+)\)$/.exec(expression.trim());
  if (negated?.[1] && !/\b(NOT|AND)\b|\(/.test(negated[1])) {
    return !negated[1].split(/\s+OR\s+/).some((t) => term(t.trim(), item, ctx));
  }
  if (/\b(NOT|BETWEEN|begins_with|contains)\b/.test(expression)) throw unsupported(expression);
  return splitAnd(expression).every((t) => {
    const group = /^\((.+)\)$/.exec(t);
    if (group?.[1] && / OR /.test(group[1]))
      return group[1].split(/\s+OR\s+/).some((o) => term(o.trim(), item, ctx));
    if (/ OR /.test(t)) throw unsupported(t);
    return term(t, item, ctx);
  });
}

/** A value, a path, or `if_not_exists(path, value)`. */
function valueIn(text: string, item: Item, ctx: ExpressionContext): unknown {
  const m = /^if_not_exists\((.+)\)$/.exec(text.trim());
  if (!m?.[1]) return operand(text.trim(), item, ctx);
  const [path, fallback] = splitTopLevel(m[1]);
  if (!path || !fallback) throw unsupported(text);
  return getPath(item, pathOf(path.trim(), ctx)) ?? operand(fallback.trim(), item, ctx);
}

/** The right-hand side of a SET action: a value, a path, if_not_exists, or list_append of two of those. */
function setValue(text: string, item: Item, ctx: ExpressionContext): unknown {
  const m = /^list_append\((.+)\)$/.exec(text);
  if (!m?.[1]) return valueIn(text, item, ctx);
  const args = splitTopLevel(m[1]);
  if (args.length !== 2) throw unsupported(text);
  const [a, b] = args.map((arg) => valueIn(arg, item, ctx));
  if (!Array.isArray(a) || !Array.isArray(b)) {
    throw new Error(`bench fake DynamoDB: list_append on a non-list in ${text}`);
  }
  return [...a, ...b];
}

/** `ADD path :n` on a top-level number: the right-hand side and the old value read from `before`. */
function addAction(action: string, item: Item, before: Item, ctx: ExpressionContext): void {
  const [pathText, valueText] = action.split(/\s+/);
  if (!pathText || !valueText) throw unsupported(action);
  const path = pathOf(pathText, ctx);
  const add = operand(valueText, before, ctx);
  const current = getPath(before, path) ?? 0;
  if (path.length !== 1 || typeof add !== 'number' || typeof current !== 'number') throw unsupported(action);
  item[path[0] as string] = current + add;
}

/** `REMOVE path`: nothing when the path's parent is missing. */
function removeAction(action: string, item: Item, ctx: ExpressionContext): void {
  const path = pathOf(action, ctx);
  const parent = getPath(item, path.slice(0, -1)) as Item | undefined;
  if (parent && typeof parent === 'object') delete parent[path.at(-1) as string];
}

/** `SET path = value`: refused, as DynamoDB does, inside a map that does not exist. */
function setAction(action: string, item: Item, before: Item, ctx: ExpressionContext): void {
  const eq = action.indexOf('=');
  if (eq < 0) throw unsupported(action);
  const path = pathOf(action.slice(0, eq), ctx);
  const value = setValue(action.slice(eq + 1).trim(), before, ctx);
  const parent = path.length === 1 ? item : getPath(item, path.slice(0, -1));
  if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) {
    const error = new Error(`The document path provided in the update expression is invalid: ${action}`);
    error.name = 'ValidationException';
    throw error;
  }
  (parent as Item)[path.at(-1) as string] = value;
}

/** Applies `SET …`, `REMOVE …` and (numbers only) `ADD …` clauses to `item` in place. */
export function applyUpdate(expression: string, item: Item, ctx: ExpressionContext): void {
  // Every right-hand side reads the item as it was before the update, as in DynamoDB.
  const before = structuredClone(item);
  const clauses = expression.split(/\b(?=SET\s|REMOVE\s|ADD\s)/).map((c) => c.trim());
  for (const clause of clauses.filter((c) => c !== '')) {
    const [, keyword, body] = /^(SET|REMOVE|ADD)\s+(.+)$/s.exec(clause) ?? [];
    if (!keyword || !body) throw unsupported(clause);
    for (const action of splitTopLevel(body)) {
      if (keyword === 'ADD') addAction(action, item, before, ctx);
      else if (keyword === 'REMOVE') removeAction(action, item, ctx);
      else setAction(action, item, before, ctx);
    }
  }
}
