import {
  type BatchLine,
  type BatchRecord,
  type BatchStatus,
  LINES_PER_ROW,
  type LineRow,
  type RejectedLine,
} from '../../../lib/batches/batch';
import type { BatchEvent } from '../../../lib/batches/events';
import { listSortKey } from '../../../lib/batches/repository';
import type { BatchStore, HeaderChange, StatusPage, StatusPageOptions } from '../../../lib/batches/store';
import { StoreUnavailableError } from '../../../lib/errors';
import { fromPageCursor, toPageCursor } from '../../../lib/shared/page-cursor';

/** A header as the table holds it: the record, and what the use cases never see. */
type Header = Record<string, unknown> & {
  batchId: string;
  outbox?: BatchEvent[];
  leaseOwner?: string;
  leaseUntil?: string;
};

const INTERNAL = ['outbox', 'leaseOwner', 'leaseUntil'] as const;
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function recordOf(header: Header): BatchRecord {
  const record: Record<string, unknown> = copy(header);
  for (const name of INTERNAL) delete record[name];
  return record as unknown as BatchRecord;
}

/** Whether `change`'s conditions hold on `header` (as BatchRepository's ConditionExpression). */
function conditionsHold(header: Header, change: HeaderChange): boolean {
  if (change.from && !change.from.includes(header.status as BatchStatus)) return false;
  if (change.lease !== undefined && header.leaseOwner !== change.lease) return false;
  for (const [attribute, value] of Object.entries(change.expect ?? {})) {
    if (header[attribute] !== value) return false;
  }
  if (change.event && ((header.version as number | undefined) ?? 0) !== change.event.version - 1)
    return false;
  return true;
}

/**
 * The batches table in memory (BatchStore): headers with their outbox and lease, and rows of
 * lines. A refused condition answers `false`/`undefined` and changes nothing, as BatchRepository's does.
 */
export class InMemoryBatchStore implements BatchStore {
  private readonly headers = new Map<string, Header>();
  private readonly lines = new Map<string, LineRow[]>();

  /** Every header as stored now, by batchId: for a test's Assess. */
  all(): BatchRecord[] {
    return [...this.headers.keys()].sort().map((id) => recordOf(this.headers.get(id) as Header));
  }

  async get(batchId: string): Promise<BatchRecord | undefined> {
    const header = this.headers.get(batchId);
    return header ? recordOf(header) : undefined;
  }

  async create(record: BatchRecord): Promise<boolean> {
    if (this.headers.has(record.batchId)) return false;
    this.headers.set(record.batchId, copy(record) as unknown as Header);
    return true;
  }

  async update(batchId: string, change: HeaderChange): Promise<BatchRecord | undefined> {
    const header = this.headers.get(batchId);
    if (!header || !conditionsHold(header, change)) return undefined;
    for (const [attribute, value] of Object.entries(change.set ?? {})) {
      if (value !== undefined) header[attribute] = copy(value);
    }
    if (change.event) {
      header.version = change.event.version;
      header.outbox = [...(header.outbox ?? []), copy(change.event)];
    }
    for (const attribute of change.remove ?? []) delete header[attribute];
    return recordOf(header);
  }

  async acquireLease(
    batchId: string,
    owner: string,
    until: string,
    now: string,
  ): Promise<BatchRecord | undefined> {
    const header = this.headers.get(batchId);
    const free =
      header !== undefined &&
      (header.leaseUntil === undefined || header.leaseUntil < now || header.leaseOwner === owner);
    if (!header || !free) return undefined;
    Object.assign(header, { leaseOwner: owner, leaseUntil: until, nextStepAt: until });
    return recordOf(header);
  }

  async releaseLease(batchId: string, owner: string): Promise<void> {
    const header = this.headers.get(batchId);
    if (header?.leaseOwner !== owner) return;
    delete header.leaseOwner;
    delete header.leaseUntil;
  }

  async putLines(batchId: string, lines: readonly BatchLine[]): Promise<number> {
    const rows: LineRow[] = [];
    for (let first = 0; first < lines.length; first += LINES_PER_ROW) {
      rows.push({ row: rows.length, first, lines: copy(lines.slice(first, first + LINES_PER_ROW)) });
    }
    this.lines.set(batchId, rows);
    return rows.length;
  }

  async rows(batchId: string): Promise<LineRow[]> {
    return copy(this.lines.get(batchId) ?? []);
  }

  async markRow(batchId: string, row: number, rejected: RejectedLine[], adopted: number[]): Promise<void> {
    const stored = this.lines.get(batchId)?.[row];
    // BatchRepository's condition (the row exists) has no answer but the store's failure.
    if (!stored) throw new StoreUnavailableError(`Could not update the lines of batch ${batchId}.`);
    Object.assign(stored, { rejected: copy(rejected), adopted: [...adopted] });
  }

  async readOutbox(batchId: string): Promise<BatchEvent[]> {
    return copy(this.headers.get(batchId)?.outbox ?? []).sort((a, b) => a.version - b.version);
  }

  async clearOutbox(batchId: string, count: number): Promise<boolean> {
    const header = this.headers.get(batchId);
    if (header?.outbox === undefined || header.outbox.length !== count) return false;
    delete header.outbox;
    return true;
  }

  async listByStatus(status: BatchStatus, options: StatusPageOptions): Promise<StatusPage> {
    const after = options.cursor && fromPageCursor<{ listSk: string }>(options.cursor).listSk;
    const matching = [...this.headers.values()]
      .map((header) => ({ header, sk: listSortKey(recordOf(header)) }))
      .filter(({ header }) => header.status === status)
      .filter(({ sk }) => options.before === undefined || sk < options.before)
      .filter(({ sk }) => options.before !== undefined || options.since === undefined || sk >= options.since)
      .sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0))
      .filter(({ sk }) => after === undefined || sk < after);
    // As DynamoDB: the page is cut at `limit` before the filter on nextStepAt, so a page may hold fewer.
    const page = matching.slice(0, options.limit);
    const last = page.at(-1);
    const records = page
      .filter(({ header }) => options.dueBy === undefined || (header.nextStepAt as string) <= options.dueBy)
      .map(({ header }) => recordOf(header));
    return {
      records,
      ...(last && matching.length > page.length && { cursor: toPageCursor({ listSk: last.sk }) }),
    };
  }
}
