import { ValidationError } from '../errors';
import { TRADE_NO_PATTERN } from '../payouts/schema';
import type { DayRow } from './repository';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A cursor for the row a page ended at: its index sort key, opaque to the caller. */
export function encodeCursor(row: Pick<DayRow, 'daySk'>): string {
  return Buffer.from(row.daySk, 'utf8').toString('base64url');
}

/** The sort key a cursor holds and the instant in it; 400 naming `cursor` when it is not one this API gave. */
export function decodeCursor(cursor: string): { daySk: string; createdAt: string } {
  const daySk = Buffer.from(cursor, 'base64url').toString('utf8');
  const [createdAt = '', tradeNo = '', ...rest] = daySk.split('#');
  if (
    rest.length > 0 ||
    !ISO_INSTANT.test(createdAt) ||
    Number.isNaN(Date.parse(createdAt)) ||
    !TRADE_NO_PATTERN.test(tradeNo)
  ) {
    throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this API gave' }]);
  }
  return { daySk, createdAt };
}
