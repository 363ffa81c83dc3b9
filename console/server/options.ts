/** What `npm run console` was asked for. */
export interface ConsoleOptions {
  apiUrl: string;
  region: string;
  port: number;
}

/** Why `npm run console` cannot start: said to the operator as is, then exit 2. */
export class ConsoleUsageError extends Error {}

/** How to call `npm run console`, shown after every refusal. */
export const USAGE =
  'Usage: npm run console -- --api https://<api-id>.execute-api.<region>.amazonaws.com/<stage>\n' +
  '  Signs every call with your AWS credentials (default chain: AWS_PROFILE, SSO, environment).\n' +
  '  The region comes from the URL, or AWS_REGION for a custom domain. CONSOLE_PORT (default 3100) sets the port.';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/;

/** The value of `--api <url>` or `--api=<url>` in `argv`, if any. */
function apiArgument(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--api') return argv[i + 1];
    if (arg.startsWith('--api=')) return arg.slice('--api='.length);
  }
  return undefined;
}

/** The console's options from its command line and environment; ConsoleUsageError saying what is wrong. */
export function parseConsoleOptions(argv: string[], env: NodeJS.ProcessEnv): ConsoleOptions {
  const given = apiArgument(argv);
  if (given === undefined || given === '' || given.startsWith('--')) {
    throw new ConsoleUsageError(`--api <deployed stage URL> is missing.\n${USAGE}`);
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ConsoleUsageError(`--api ${given} is not a URL.\n${USAGE}`);
  }
  const local = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !local) {
    throw new ConsoleUsageError(
      `--api must be an https URL (http only for localhost), not ${url.protocol}//${url.host}.\n${USAGE}`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConsoleUsageError(
      `--api must be the stage's URL alone: no credentials, query or fragment.\n${USAGE}`,
    );
  }
  const region = EXECUTE_API_HOST.exec(url.hostname)?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new ConsoleUsageError(
      `The region is not in ${url.host} (a custom domain?): set AWS_REGION to the stage's region.\n${USAGE}`,
    );
  }
  const port = Number(env.CONSOLE_PORT ?? 3100);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConsoleUsageError(`CONSOLE_PORT must be a port number, not ${env.CONSOLE_PORT}.`);
  }
  return { apiUrl: `${url.origin}${url.pathname.replace(/\/$/, '')}`, region, port };
}
