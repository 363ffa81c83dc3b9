/*
 * `npm run openapi`: writes the API document to openapi.json at the repository root, and the
 * typed client's types generated from it to contract/client/api.ts, both checked in;
 * test/unit/contract fails when either disagrees with the code.
 */
import { writeFileSync } from 'node:fs';
import { CLIENT_TYPES_PATH, renderClientTypes } from './client-types';
import { DOCUMENT_PATH, renderDocument } from './document';

const document = renderDocument();
writeFileSync(DOCUMENT_PATH, document);
console.log(`wrote ${DOCUMENT_PATH}`);
writeFileSync(CLIENT_TYPES_PATH, await renderClientTypes(document));
console.log(`wrote ${CLIENT_TYPES_PATH}`);
