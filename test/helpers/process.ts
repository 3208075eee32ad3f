import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or 128+signal number style name) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until stdout+stderr matches, or rejects after timeoutMs. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
}

/** Spawns a TypeScript entry point (or the glance CLI) as a real child process through tsx. */
export function spawnTs(entry: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  child.stdout!.on('data', (d) => ((out += d), watchers.forEach((w) => w())));
  child.stderr!.on('data', (d) => ((err += d), watchers.forEach((w) => w())));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  // Never leave a daemon behind when a test fails or times out.
  const reap = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  const waitFor = (pattern: RegExp, timeoutMs = 90000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(out + err)) {
          watchers.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        watchers.delete(check);
        reject(new Error(`timed out waiting for ${pattern}; output:\n${out}\n${err}`));
      }, timeoutMs);
      watchers.add(check);
      check();
    });
  return { child, stdout: () => out, stderr: () => err, exited, waitFor };
}

export const glanceBin = path.join(repoRoot, 'bin/glance.js');

/** Runs the glance CLI to completion and returns its exit code and output. */
export async function runGlance(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60000) {
  const child = spawn(process.execPath, [glanceBin, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}
