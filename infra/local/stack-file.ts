/*
 * The running stack's ports, in a small file `npm start` writes once it listens and removes when
 * it stops, so that `npm run reconcile` reaches the stack that runs, whatever LAMBDA_PORT it was
 * started with. The file sits in .serverless/, serverless-offline's folder, which git ignores.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `npm start` records its ports, from the repository's root. */
export const STACK_FILE = join('.serverless', 'local-stack.json');

/** What the running stack records: its stage, ports and the launcher's process id. */
export interface StackRecord {
  stage: string;
  apiPort: number;
  lambdaPort: number;
  pid: number;
}

/** Records the running stack at `file`. */
export function writeStackFile(record: StackRecord, file = STACK_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record)}\n`);
}

/** Removes the record, if it is still this process's (a second `npm start` may have replaced it). */
export function removeStackFile(pid: number, file = STACK_FILE): void {
  if (readStackFile(file)?.pid === pid) rmSync(file, { force: true });
}

/** The running stack's record, or undefined when none is recorded or its launcher is gone. */
export function readStackFile(file = STACK_FILE): StackRecord | undefined {
  let record: StackRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as StackRecord;
  } catch {
    return undefined;
  }
  return isRunning(record.pid) ? record : undefined;
}

function isRunning(pid: number): boolean {
  try {
    // Signal 0 only asks whether the process exists (a launcher killed -9 leaves its file behind).
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The Lambda port `npm run reconcile` calls: LAMBDA_PORT when set, else the running stack's; an
 * error saying what to do when neither names one.
 */
export function lambdaPortOf(env: NodeJS.ProcessEnv, file = STACK_FILE): { port: number; stage: string } {
  const stage = env.STAGE ?? 'dev';
  if (env.LAMBDA_PORT) return { port: Number(env.LAMBDA_PORT), stage };
  const record = readStackFile(file);
  if (!record) {
    throw new Error(
      `No local stack is running (${file} names none): start one with \`npm start\`, or set LAMBDA_PORT to its Lambda port.`,
    );
  }
  return { port: record.lambdaPort, stage: env.STAGE ?? record.stage };
}
