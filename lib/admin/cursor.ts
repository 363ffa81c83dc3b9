import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';
import { TRADE_NO_PATTERN } from '../payouts/schema';
import type { DayRow } from './repository';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const NOT_OURS = 'is not a cursor this API gave';

const notOurs = () => new ValidationError([{ field: 'cursor', message: NOT_OURS }]);

const isInstant = (text: unknown): text is string =>
  typeof text === 'string' && ISO_INSTANT.test(text) && !Number.isNaN(Date.parse(text));

/** The instant in a `<createdAt>#<tradeNo>` sort key; undefined when the text is not one. */
function instantOf(daySk: string): string | undefined {
  const [createdAt = '', tradeNo = '', ...rest] = daySk.split('#');
  return rest.length === 0 && isInstant(createdAt) && TRADE_NO_PATTERN.test(tradeNo) ? createdAt : undefined;
}

/** A cursor for the row a page ended at: its index sort key, opaque to the caller. */
export function encodeCursor(row: Pick<DayRow, 'daySk'>): string {
  return Buffer.from(row.daySk, 'utf8').toString('base64url');
}

/** The sort key a cursor holds and the instant in it; 400 naming `cursor` when it is not one this API gave. */
export function decodeCursor(cursor: string): { daySk: string; createdAt: string } {
  const daySk = Buffer.from(cursor, 'base64url').toString('utf8');
  const createdAt = instantOf(daySk);
  if (createdAt === undefined) throw notOurs();
  return { daySk, createdAt };
}

/** The parameters that choose a listing's payouts, as the caller sent them (`limit` and `cursor` aside). */
export interface ListParameters {
  status?: string | undefined;
  flagged?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Where a page of `GET /admin/payouts` ended, and the range its first page resolved. */
export interface ListCursor {
  daySk: string;
  createdAt: string;
  /** Both ends as UTC ISO instants, fixed by the first page: later pages never re-read the clock. */
  from: string;
  to: string;
}

/** A short digest of the parameters, so a cursor answers only to the listing that gave it. */
function digest(parameters: ListParameters): string {
  const { status, flagged, from, to } = parameters;
  return createHash('sha256')
    .update(JSON.stringify([status ?? null, flagged ?? null, from ?? null, to ?? null]))
    .digest('base64url')
    .slice(0, 16);
}

/** A cursor of the operator's list: the row a page ended at, the resolved range, and its parameters' digest. */
export function encodeListCursor(cursor: Omit<ListCursor, 'createdAt'>, parameters: ListParameters): string {
  const text = JSON.stringify([cursor.daySk, cursor.from, cursor.to, digest(parameters)]);
  return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * The place and range a list cursor holds. 400 naming `cursor` when it is not one this API gave,
 * or when it comes with other parameters than the page that gave it: those would select another
 * listing, where its place means nothing.
 */
export function decodeListCursor(text: string, parameters: ListParameters): ListCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw notOurs();
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) throw notOurs();
  const [daySk, from, to, parametersDigest] = decoded as unknown[];
  const createdAt = typeof daySk === 'string' ? instantOf(daySk) : undefined;
  if (
    typeof daySk !== 'string' ||
    createdAt === undefined ||
    !isInstant(from) ||
    !isInstant(to) ||
    typeof parametersDigest !== 'string' ||
    !(from <= createdAt && createdAt <= to)
  ) {
    throw notOurs();
  }
  if (parametersDigest !== digest(parameters)) {
    throw new ValidationError([
      {
        field: 'cursor',
        message:
          'belongs to a listing with other parameters: send it with the status, flagged, from and to of the page that gave it',
      },
    ]);
  }
  return { daySk, createdAt, from, to };
}
