import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  lambdaPortOf,
  readStackFile,
  removeStackFile,
  writeStackFile,
} from '../../../../infra/local/stack-file';

const dirs: string[] = [];
/** A stack file in a fresh folder of its own (created on write, as .serverless/ is). */
function stackFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stack-file-'));
  dirs.push(dir);
  return join(dir, '.serverless', 'local-stack.json');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('npm run reconcile follows the running stack', () => {
  it('calls the Lambda port npm start recorded, not the default, when LAMBDA_PORT is not set again', () => {
    // Prepare: a stack started with LAMBDA_PORT=4102, by this (running) process.
    const file = stackFile();
    writeStackFile({ stage: 'dev', apiPort: 4100, lambdaPort: 4102, pid: process.pid }, file);
    // Act
    const target = lambdaPortOf({}, file);
    // Assess
    expect(target).toEqual({ port: 4102, stage: 'dev' });
  });

  it('takes LAMBDA_PORT over the record when it is set', () => {
    // Prepare
    const file = stackFile();
    writeStackFile({ stage: 'dev', apiPort: 4100, lambdaPort: 4102, pid: process.pid }, file);
    // Act
    const target = lambdaPortOf({ LAMBDA_PORT: '5002' }, file);
    // Assess
    expect(target.port).toBe(5002);
  });

  it('says that no stack runs, and how to start one, when none is recorded or its launcher is gone', () => {
    // Prepare: one file never written, one left by a launcher that no longer runs.
    const none = stackFile();
    const stale = stackFile();
    writeStackFile({ stage: 'dev', apiPort: 3000, lambdaPort: 3002, pid: 2 ** 22 + 1 }, stale);
    // Act
    const attempts = [() => lambdaPortOf({}, none), () => lambdaPortOf({}, stale)];
    // Assess
    for (const attempt of attempts)
      expect(attempt).toThrow(/No local stack is running.*npm start.*LAMBDA_PORT/);
  });

  it('forgets the record when the stack that wrote it stops, and only then', () => {
    // Prepare
    const file = stackFile();
    writeStackFile({ stage: 'dev', apiPort: 3000, lambdaPort: 3002, pid: process.pid }, file);
    // Act: another launcher's stop leaves it; this one's removes it.
    removeStackFile(process.pid + 1, file);
    const kept = readStackFile(file);
    removeStackFile(process.pid, file);
    // Assess
    expect(kept?.lambdaPort).toBe(3002);
    expect(readStackFile(file)).toBeUndefined();
  });
});
