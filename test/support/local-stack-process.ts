import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

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
  output(): string;
  stop(): Promise<void>;
}

/** Runs `npm start` exactly as a person would, and waits until it says it is ready. */
export async function runNpmStart(
  env: Record<string, string> = {},
  readyTimeoutMs = 90_000,
): Promise<RunningStack> {
  const apiPort = await freePort();
  const lambdaPort = await freePort();
  const apiKey = 'e2e-api-key';
  let output = '';
  // The unit-test placeholders from vitest.config.ts must not reach the stack: an unset
  // PAYPRO_BASE_URL is what makes `npm start` run its own sandbox.
  const { PAYPRO_BASE_URL: _paypro, PUBLIC_BASE_URL: _public, ...inherited } = process.env;
  const child: ChildProcess = spawn('npm', ['start'], {
    env: {
      ...inherited,
      API_PORT: String(apiPort),
      LAMBDA_PORT: String(lambdaPort),
      LOCAL_API_KEY: apiKey,
      SLS_ESBUILD_WATCH: '__no_watch__',
      ...env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
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
  });
  return {
    apiUrl: `http://127.0.0.1:${apiPort}/dev`,
    apiKey,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGINT');
      await exited;
    },
  };
}
