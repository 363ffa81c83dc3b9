import { defineConfig } from 'vitest/config';
import { LOCAL_CAPS } from './infra/local/caps.ts';
import LongestFirst from './test/support/longest-first.ts';

// The AWS SDK warns that Node 20 is near its end; Lambda runs Node 22, where nothing is silenced.
const oldNode = Number(process.versions.node.split('.')[0]) < 22;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every reply a test receives is checked against openapi.json.
    setupFiles: ['test/support/contract-setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration files each start their own dynalite and sandbox on ephemeral ports, and each e2e
    // file its own npm start (own ports, own esbuild folder), so files can run side by side.
    pool: 'forks',
    // vitest's default on 2 cores is one worker: the whole suite in series, though most of the
    // long files wait on a stack rather than compute. Two workers, the longest files first.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    env: {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ...(oldNode && { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }),
      POWERTOOLS_DEV: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      // The handlers parse configuration at import; tests that need real endpoints override these.
      PAYPRO_BASE_URL: 'http://127.0.0.1:9',
      PUBLIC_BASE_URL: 'https://payouts.test/test',
      // The batch functions need their queues at import; the stack's own replace these.
      BATCH_STEPS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/placeholder-batch-steps',
      BATCH_SENDS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/placeholder-batch-sends',
      // Caps no test meets unless it sets its own (test/integration/caps.test.ts).
      ...LOCAL_CAPS,
    },
  },
});
