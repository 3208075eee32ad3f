import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A real systemd 252 as PID 1 of its own pid, mount and network namespaces (sandbox-init.sh), so a
 * test can run scripts/install.sh and start the unit the way a fresh box does, with nothing on the
 * host changed. It needs root, unshare/nsenter, overlayfs and /lib/systemd/systemd; where one is
 * missing, sandboxUnavailable() says which, for the test's skip reason.
 */
export interface Sandbox {
  /** Runs a command inside the namespaces (as root), with a plain PATH and no test environment. */
  run: (argv: string[], timeoutMs?: number) => SpawnSyncReturns<string>;
  /** What the unit's processes wrote (a drop-in's StandardOutput=). */
  daemonLog: () => string;
  /** Ends every process in the namespaces and removes the scratch directory. */
  stop: () => Promise<void>;
}

const systemdBinary = '/lib/systemd/systemd';
const initScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sandbox-init.sh');
const plainEnv = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };

export function sandboxUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'needs root (namespaces and overlay mounts)';
  if (!existsSync(systemdBinary)) return `no ${systemdBinary} (apt-get install systemd)`;
  for (const tool of ['unshare', 'nsenter', 'ip']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `no ${tool} on PATH`;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-ovl-'));
  try {
    const probe = spawnSync('unshare', ['--mount', '--net', 'sh', '-c', `mkdir -p ${dir}/u ${dir}/w ${dir}/m && mount -t overlay overlay -o lowerdir=/etc,upperdir=${dir}/u,workdir=${dir}/w ${dir}/m`], {
      encoding: 'utf8',
    });
    if (probe.status !== 0) return `cannot make namespaces with an overlay mount here: ${probe.stderr.trim()}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return undefined;
}

/** Stand-ins for the targets a service's default dependencies name; none pulls anything in. */
const stubTargets = ['sandbox', 'sysinit', 'basic', 'shutdown', 'network-online', 'multi-user'];

export async function startSandbox(app: string): Promise<Sandbox> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-sandbox-'));
  const units = path.join(dir, 'units');
  mkdirSync(path.join(units, 'glance.service.d'), { recursive: true });
  for (const name of stubTargets) writeFileSync(path.join(units, `${name}.target`), '[Unit]\nDefaultDependencies=no\n');
  // There is no journald in the sandbox; this drop-in only sends the daemon's output to a file.
  const log = path.join(dir, 'daemon.log');
  writeFileSync(path.join(units, 'glance.service.d', 'sandbox-log.conf'), `[Service]\nStandardOutput=append:${log}\nStandardError=inherit\n`);

  const init = spawn('unshare', ['--pid', '--fork', '--mount', '--net', '--mount-proc', 'bash', initScript, dir, app], {
    env: plainEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let initOutput = '';
  init.stdout.on('data', (d) => (initOutput += d));
  init.stderr.on('data', (d) => (initOutput += d));
  const pid = await firstChild(init.pid!, () => initOutput);

  const run = (argv: string[], timeoutMs = 30_000) => spawnSync('nsenter', ['-t', String(pid), '-m', '-p', '-n', '--', ...argv], { encoding: 'utf8', env: plainEnv, timeout: timeoutMs });
  // Until systemd has mounted /run and opened its socket, systemctl cannot reach it at all.
  let up = run(['systemctl', 'is-system-running', '--wait'], 60_000);
  for (let i = 0; i < 120 && !/running|degraded/.test(up.stdout); i++) {
    await new Promise((r) => setTimeout(r, 250));
    up = run(['systemctl', 'is-system-running', '--wait'], 60_000);
  }
  if (!/running|degraded/.test(up.stdout)) {
    kill(pid);
    init.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    throw new Error(`sandbox systemd did not come up: ${up.stdout}${up.stderr}${initOutput}`);
  }

  const reap = () => kill(pid);
  process.once('exit', reap);
  return {
    run,
    daemonLog: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
    stop: async () => {
      process.off('exit', reap);
      kill(pid);
      // The overlays' upper layers live in dir; they are unmounted once the namespace is gone.
      if (init.exitCode === null && init.signalCode === null) await new Promise((r) => init.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The PID (in our namespace) of unshare's forked child, which sandbox-init.sh turns into systemd. */
async function firstChild(parent: number, output: () => string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    try {
      const child = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(' ')[0];
      if (child) return Number(child);
    } catch {
      /* unshare has not forked yet, or already exited: look again, then give up */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`unshare started no child: ${output()}`);
}

function kill(pid: number): void {
  try {
    // SIGKILL to a pid namespace's PID 1 ends every process in it, the daemon included.
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
