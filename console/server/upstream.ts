import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { type Credentials, type OutgoingRequest, signForExecuteApi } from './sigv4';

/**
 * Where the console's calls go and how they prove who the operator is: the stage's base URL
 * (`…/<stage>`, its operator routes below `/admin`) and what each request gets added.
 */
export interface Upstream {
  /** The stage's base URL, without a trailing slash. */
  baseUrl: string;
  /** How the stage is reached, for the page and the banner: `local` (npm start) or `deployed`. */
  mode: 'local' | 'deployed';
  /** The request's headers with the operator's authentication added. */
  authenticate(request: OutgoingRequest): Promise<Record<string, string>>;
}

/** npm start's stage: the local stand-in for IAM wants `x-admin-key` on the operator routes. */
export function localUpstream(baseUrl: string, adminKey: string): Upstream {
  return {
    baseUrl: baseUrl.replace(/\/$/, ''),
    mode: 'local',
    authenticate: async (request) => ({ ...request.headers, 'x-admin-key': adminKey }),
  };
}

/**
 * A deployed stage: every request signed with SigV4 from the operator's own credentials (the
 * default chain: environment, SSO and other profiles, instance roles), in this process only.
 */
export function signedUpstream(
  baseUrl: string,
  region: string,
  credentials: Credentials = fromNodeProviderChain(),
): Upstream {
  return {
    baseUrl: baseUrl.replace(/\/$/, ''),
    mode: 'deployed',
    authenticate: (request) => signForExecuteApi(request, { region, credentials }),
  };
}
