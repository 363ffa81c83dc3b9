/*
 * zod → JSON Schema (2020-12, the dialect of OpenAPI 3.1) for the API document, and the `$ref`s
 * between the document's named schemas.
 */
import { z } from 'zod';
import type { JSONSchema } from 'zod/v4/core';

/** A JSON Schema as the document holds it. */
export type Schema = JSONSchema.JSONSchema;
/** What a registry keeps about a named schema: its id, description and any other keywords. */
export type Meta = Schema & { id?: string };

const COMPONENTS = '#/components/schemas/';

/** A reference to the named schema `id` of `components.schemas`. */
export const ref = (id: string): Schema => ({ $ref: `${COMPONENTS}${id}` });

/** JSON Schema of one zod schema, without `$schema`. */
export function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output' = 'input'): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io });
  return rest;
}

/**
 * Every schema of a registry that has an id, referring to each other by `$ref`. Metadata comes
 * from the registry (ids, and what it describes) over zod's global one (`.describe()`).
 */
export function componentsOf(
  registry: z.core.$ZodRegistry<Meta>,
  io: 'input' | 'output',
): Record<string, Schema> {
  const metadata = {
    get: (schema: z.core.$ZodType) => {
      const [global, own] = [z.globalRegistry.get(schema), registry.get(schema)];
      return global || own ? { ...global, ...own } : undefined;
    },
  } as unknown as z.core.$ZodRegistry<Meta>;
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    metadata,
    uri: (id) => `${COMPONENTS}${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
}
