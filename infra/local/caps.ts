/*
 * The daily caps of every local run (npm start, the tests, the bench), in a module that imports
 * nothing, so vitest.config.ts and bench/env.ts can read it before any service module loads.
 */

/**
 * The daily caps a local stack runs with unless the environment names others: high enough that
 * tests and demos (which pay the sandbox's few test mobiles again and again) never meet them.
 * `DAILY_MAX_COUNT=10 npm start` shows a cap at work.
 */
export const LOCAL_CAPS: Readonly<Record<string, string>> = {
  DAILY_MAX_AMOUNT: '1000000000',
  DAILY_MAX_COUNT: '1000000',
  RECIPIENT_DAILY_MAX_AMOUNT: '1000000000',
  RECIPIENT_DAILY_MAX_COUNT: '1000000',
};

/** LOCAL_CAPS, each replaced by the environment's value when it has one. */
export function localCaps(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(LOCAL_CAPS).map(([name, value]) => [name, env[name] || value]));
}
