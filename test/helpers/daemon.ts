import type { ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { glanceBin, spawnTs, type Spawned } from './process.ts';

/**
 * The real daemon (`glance run`) on a config written to dir/glance.yaml, one YAML line per entry.
 * GLANCE_CONFIG is cleared so the machine's own config never leaks in; the process is killed at
 * teardown if a test ends before it does.
 */
export function runDaemon(t: ExecutionContext, dir: string, configLines: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const configFile = path.join(dir, 'glance.yaml');
  writeFileSync(configFile, `${configLines.join('\n')}\n`);
  const daemon = spawnTs(glanceBin, ['run', '--config', configFile], { GLANCE_CONFIG: '', ...env });
  t.teardown(() => {
    if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
  });
  return daemon;
}

/** The dashboard's URL, from the daemon's "dashboard listening on" log line (port 0 picks a free one). */
export function dashboardOrigin(daemon: Spawned): string {
  const m = /dashboard listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(daemon.stdout() + daemon.stderr());
  if (!m) throw new Error(`no "dashboard listening on" line in the daemon's output:\n${daemon.stdout().slice(-2000)}`);
  return m[1];
}
