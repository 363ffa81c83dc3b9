import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { watchApi } from './contract';

/** A port free on loopback right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `npm start` in its own process group, with the output kept for failure messages. */
export interface RunningStack {
  apiUrl: string;
  apiKey: string;
  /** The operator console npm start serves (on a free port: never the default 3100). */
  consoleUrl: string;
  output(): string;
  /**
   * Ctrl-C, as in a terminal (SIGINT to the whole process group); resolves with npm's exit once
   * every process of the group is gone, rejects (after killing them) if some outlive it by 10 s.
   */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Whether any process of the group `pgid` is still running. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bound of an e2e file's beforeAll that runs npm start: its own start (up to 90 s) plus a
 * wait of about as long while another worker's npm start holds the start lock.
 */
export const START_HOOK_TIMEOUT_MS = 300_000;

/** The lock one npm start holds while it bundles and starts (a file naming its process). */
const START_LOCK = '.esbuild-e2e-start.lock';

/** Whether process `pid` is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until no other test worker is starting an npm start, then holds the lock: bundling 29
 * functions takes both cores, and two starts at once on 2 cores each took longer than the two
 * in turn. A lock left by a process that died is taken over. Returns the release.
 */
async function startTurn(): Promise<() => void> {
  for (;;) {
    try {
      const fd = openSync(START_LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(START_LOCK, { force: true });
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(START_LOCK, 'utf8'));
      } catch {
        continue;
      }
      if (holder > 0 && !alive(holder)) rmSync(START_LOCK, { force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Runs `npm start` exactly as a person would, and waits until it says it is ready. */
export async function runNpmStart(
  env: Record<string, string> = {},
  readyTimeoutMs = 90_000,
): Promise<RunningStack> {
  const release = await startTurn();
  try {
    return await startStack(env, readyTimeoutMs);
  } finally {
    release();
  }
}

async function startStack(env: Record<string, string>, readyTimeoutMs: number): Promise<RunningStack> {
  const apiPort = await freePort();
  const lambdaPort = await freePort();
  const consolePort = await freePort();
  const apiKey = 'e2e-api-key';
  // Its own bundle folder (git-ignored as .esbuild*/): e2e files may run side by side, and two
  // serverless-esbuild builds into one folder would overwrite each other's bundles.
  const esbuildDir = `.esbuild-e2e-${apiPort}`;
  let output = '';
  // The unit-test placeholders from vitest.config.ts must not reach the stack: an unset
  // PAYPRO_BASE_URL is what makes `npm start` run its own sandbox.
  const { PAYPRO_BASE_URL: _paypro, PUBLIC_BASE_URL: _public, ...inherited } = process.env;
  const child: ChildProcess = spawn('npm', ['start'], {
    env: {
      ...inherited,
      API_PORT: String(apiPort),
      LAMBDA_PORT: String(lambdaPort),
      CONSOLE_PORT: String(consolePort),
      LOCAL_API_KEY: apiKey,
      SLS_ESBUILD_WATCH: '__no_watch__',
      SLS_ESBUILD_WORK_DIR: esbuildDir,
      ...env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start not ready in time:\n${output}`)),
      readyTimeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Payout service ready.')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  }).catch((error: unknown) => {
    // Not ready: nothing of it may outlive the test, nor its bundles.
    if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), 'SIGKILL');
    rmSync(esbuildDir, { recursive: true, force: true });
    throw error;
  });
  const apiUrl = `http://127.0.0.1:${apiPort}/dev`;
  // Every reply of this API to the test's fetch calls is checked against openapi.json.
  watchApi(apiUrl);
  return {
    apiUrl,
    apiKey,
    consoleUrl: `http://127.0.0.1:${consolePort}`,
    output: () => output,
    stop: async () => {
      const pgid = child.pid as number;
      if (child.exitCode === null && child.signalCode === null) process.kill(-pgid, 'SIGINT');
      const exit = await exited;
      const end = Date.now() + 10_000;
      while (groupAlive(pgid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(pgid)) {
        process.kill(-pgid, 'SIGKILL');
        throw new Error(`npm start left processes running 10 s after Ctrl-C:\n${output}`);
      }
      rmSync(esbuildDir, { recursive: true, force: true });
      return exit;
    },
  };
}
