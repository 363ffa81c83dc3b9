import { LOCAL_CAPS } from '../infra/local/caps';

/**
 * What the functions need in their environment to load without any real endpoint: config is
 * parsed at import, so a handler module cannot even be imported without these. The URLs point
 * at a closed port on purpose: nothing the benchmark measures may reach a network.
 */
export const BENCH_ENV: Readonly<Record<string, string>> = {
  PAYPRO_BASE_URL: 'http://127.0.0.1:9',
  PUBLIC_BASE_URL: 'http://127.0.0.1:9/dev',
  WEBHOOKS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/bench-webhooks',
  WEBHOOKS_DLQ_URL: 'http://127.0.0.1:9/000000000000/bench-webhooks-dlq',
  BATCH_SENDS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/bench-batch-sends',
  BATCH_STEPS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/bench-batch-steps',
  // float-monitor's watermark is required, as deployed (no default hides a missing one).
  FLOAT_LOW_WATERMARK: '100000',
  // Caps the benchmark's load never meets (it measures the cost of reserving, not refusals).
  ...LOCAL_CAPS,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/** Puts BENCH_ENV into process.env; must run before any module of lib/ or functions/ is imported. */
export function applyBenchEnv(): void {
  Object.assign(process.env, BENCH_ENV);
}
