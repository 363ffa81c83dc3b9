/*
 * `npm run openapi`: writes the API document to openapi.json at the repository root, where it is
 * checked in; test/unit/contract fails when the file and the code disagree.
 */
import { writeFileSync } from 'node:fs';
import { DOCUMENT_PATH, renderDocument } from './document';

writeFileSync(DOCUMENT_PATH, renderDocument());
console.log(`wrote ${DOCUMENT_PATH}`);
