import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_PATH } from '../../../contract/document';
import { handler } from '../../../functions/get-openapi';
import { checkReply } from '../../support/contract';

describe('GET /openapi.json', () => {
  it('serves the checked-in document as JSON', async () => {
    const reply = await handler();
    expect(reply.statusCode).toBe(200);
    expect(reply.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body)).toEqual(JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')));
    await checkReply('GET /openapi.json', reply);
  });
});
