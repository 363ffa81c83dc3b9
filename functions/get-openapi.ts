import type { APIGatewayProxyResult } from 'aws-lambda';
// Bundled by esbuild: the function serves the checked-in document and loads nothing else.
import document from '../openapi.json';

// Serialised once per container, not per request.
const BODY = JSON.stringify(document);

/** GET /openapi.json: the API's OpenAPI 3.1 document, public (no key). */
export async function handler(): Promise<APIGatewayProxyResult> {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
    body: BODY,
  };
}
