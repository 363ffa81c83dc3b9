import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES_PATH, renderClientTypes } from '../../../contract/client-types';
import { DOCUMENT_PATH } from '../../../contract/document';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('the typed client generated from openapi.json', () => {
  it('is what openapi-typescript generates from the checked-in document (run `npm run openapi`)', async () => {
    const generated = await renderClientTypes(readFileSync(DOCUMENT_PATH, 'utf8'));

    expect(
      readFileSync(CLIENT_TYPES_PATH, 'utf8'),
      'contract/client/api.ts differs from what openapi.json generates: run `npm run openapi` and commit the result',
    ).toBe(generated);
  });

  it('compiles, with the example client, under tsc --strict on its own', async () => {
    const tsc = resolve(ROOT, 'node_modules/.bin/tsc');
    const result = await promisify(execFile)(tsc, ['-p', 'contract/client/tsconfig.json'], {
      cwd: ROOT,
    }).catch((error: { stdout?: string; code?: number }) => ({
      stdout: error.stdout ?? '',
      code: error.code,
    }));

    expect(result.stdout).toBe('');
  }, 120_000);
});
