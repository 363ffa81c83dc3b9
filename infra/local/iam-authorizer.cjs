/*
 * `npm start`'s stand-in for API Gateway's IAM (SigV4) check, which serverless-offline cannot do.
 * serverless.yml names this file as `custom.offline.customAuthenticationProvider`: serverless-offline
 * then require()s it (hence CommonJS) and calls it once for EVERY http endpoint, with
 * (endpoint, functionKey, method, path), for a hapi auth scheme. So:
 *
 * - an endpoint whose authorizer is aws_iam (the /admin routes) requires the header
 *   `x-admin-key` equal to LOCAL_ADMIN_KEY (default `local-admin-key`); without it, or with a
 *   wrong one, it answers 403 {"message":"Forbidden"}, as API Gateway answers a request that is
 *   not signed or not allowed, and the function never runs. With it, the caller is the principal
 *   `local`: it reaches the function as `requestContext.authorizer.principalId`, which
 *   lib/handlers/http.ts's operatorOf reads when there is no IAM user ARN (there never is locally);
 * - every other endpoint is let through unchanged, with no credentials: its API key check (private
 *   routes) and everything else serverless-offline does for it stay exactly as without this file.
 *
 * Nothing in lib/ knows about this: locally, as deployed, the function sees an authenticated
 * principal or is never called.
 */
'use strict';

const { createHash, timingSafeEqual } = require('node:crypto');

const DEFAULT_ADMIN_KEY = 'local-admin-key';

// hapi refuses a scheme name registered twice: one per endpoint, numbered.
let registered = 0;

/** True when serverless.yml gives the endpoint `authorizer: aws_iam` (or `{ type: aws_iam }`). */
function isAwsIam(authorizer) {
  if (typeof authorizer === 'string') return authorizer.toUpperCase() === 'AWS_IAM';
  return (
    typeof authorizer === 'object' &&
    authorizer !== null &&
    typeof authorizer.type === 'string' &&
    authorizer.type.toUpperCase() === 'AWS_IAM'
  );
}

/** Compares in constant time whatever the lengths (both sides hashed first). */
function sameKey(given, expected) {
  const digest = (text) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function forbidden(h) {
  return h
    .response({ message: 'Forbidden' })
    .code(403)
    .header('x-amzn-ErrorType', 'ForbiddenException')
    .type('application/json')
    .takeover();
}

/** The hapi auth strategy serverless-offline registers for one endpoint. */
module.exports = function localIamStandIn(endpoint, functionKey, method, path) {
  registered += 1;
  const name = `local-iam-${registered}-${functionKey}-${method}-${path}`;
  const iam = isAwsIam(endpoint.authorizer);
  return {
    name,
    scheme: name,
    getAuthenticateFunction: () => ({
      authenticate(request, h) {
        if (!iam) return h.authenticated({ credentials: {} });
        // Read per request, as the launcher passes it in this process's environment.
        const expected = process.env.LOCAL_ADMIN_KEY || DEFAULT_ADMIN_KEY;
        const given = request.headers['x-admin-key'];
        if (typeof given !== 'string' || !sameKey(given, expected)) return forbidden(h);
        return h.authenticated({ credentials: { principalId: 'local' } });
      },
    }),
  };
};
