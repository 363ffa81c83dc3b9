import type { HeaderChange } from './store';

/** A HeaderChange as the parts of one conditional UpdateCommand. */
export interface HeaderUpdate {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * The update expression, condition and placeholders of a header change: every attribute name
 * and value goes through a numbered placeholder, so no attribute can clash with a reserved word.
 */
export function headerUpdate(change: HeaderChange): HeaderUpdate {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let n = 0;
  const name = (attribute: string) => {
    n += 1;
    names[`#n${n}`] = attribute;
    return `#n${n}`;
  };
  const value = (v: unknown) => {
    n += 1;
    values[`:v${n}`] = v;
    return `:v${n}`;
  };
  const sets = Object.entries(change.set ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([attribute, v]) => `${name(attribute)} = ${value(v)}`);
  const conditions = ['attribute_exists(batchId)'];
  if (change.from) {
    conditions.push(`${name('status')} IN (${change.from.map((s) => value(s)).join(', ')})`);
  }
  if (change.lease !== undefined) conditions.push(`${name('leaseOwner')} = ${value(change.lease)}`);
  for (const [attribute, v] of Object.entries(change.expect ?? {})) {
    conditions.push(
      v === undefined ? `attribute_not_exists(${name(attribute)})` : `${name(attribute)} = ${value(v)}`,
    );
  }
  if (change.event) {
    const previous = change.event.version - 1;
    sets.push(
      `${name('version')} = ${value(change.event.version)}`,
      `${name('outbox')} = list_append(if_not_exists(${name('outbox')}, ${value([])}), ${value([change.event])})`,
    );
    conditions.push(
      previous === 0 ? `attribute_not_exists(${name('version')})` : `${name('version')} = ${value(previous)}`,
    );
  }
  const removes = (change.remove ?? []).map((attribute) => name(attribute));
  const expression = [
    sets.length > 0 ? `SET ${sets.join(', ')}` : '',
    removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
  ].join(' ');
  return {
    UpdateExpression: expression.trim(),
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
  };
}
