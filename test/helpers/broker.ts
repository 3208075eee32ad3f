/**
 * A real MQTT broker for tests, on a free loopback port: Debian `mosquitto` as a plain process with a
 * generated config in a temp dir when it is installed, else aedes in a child process (this file run
 * by `node --import tsx`). Either way it is a separate process that a test can kill (-9) and restart
 * on the same port with its state: mosquitto keeps persistent sessions on disk (autosave every
 * second), and the aedes fallback keeps the subscriptions of persistent sessions in a state file.
 *
 *   const broker = await startBroker({ auth: { username: 'u', password: 'p' } });
 *   ... mqtt.connect(broker.url, ...) ...
 *   await broker.kill(); await broker.restart(); await broker.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer as createNetServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BrokerTls {
  /** PEM file paths. */
  ca: string;
  cert: string;
  key: string;
  /** Require and verify a client certificate signed by `ca`. */
  requireClientCert?: boolean;
}

export interface BrokerOptions {
  tls?: BrokerTls;
  auth?: { username: string; password: string };
  /** Force an implementation (default: $GLANCE_TEST_BROKER, else mosquitto when installed). */
  impl?: 'mosquitto' | 'aedes';
}

export interface TestBroker {
  /** mqtt://127.0.0.1:PORT, or mqtts:// with tls. */
  url: string;
  port: number;
  impl: 'mosquitto' | 'aedes';
  /** Graceful stop (SIGTERM); also removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing saved beyond what was already on disk. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same config and saved state. */
  restart(): Promise<void>;
  /** The broker's own output so far (for failure messages). */
  output(): string;
}

const here = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(here), '../..');

export function mosquittoPath(): string | null {
  for (const p of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/local/bin/mosquitto']) {
    if (existsSync(p)) return p;
  }
  return null;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** mosquitto 2 password file line: `$6$` = base64(salt) and base64(sha512(password || salt)). */
function mosquittoPasswordLine(username: string, password: string): string {
  const salt = randomBytes(12);
  const hash = createHash('sha512').update(password).update(salt).digest();
  return `${username}:$6$${salt.toString('base64')}$${hash.toString('base64')}\n`;
}

function mosquittoConfig(dir: string, port: number, opts: BrokerOptions): string {
  const lines = [
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${opts.auth ? 'false' : 'true'}`,
    'persistence true',
    `persistence_location ${dir}/`,
    'autosave_interval 1',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'max_queued_messages 100000',
  ];
  // As root, mosquitto would switch to the `mosquitto` user and lose access to the temp dir.
  if (process.getuid?.() === 0) lines.push('user root');
  if (opts.auth) {
    writeFileSync(path.join(dir, 'passwd'), mosquittoPasswordLine(opts.auth.username, opts.auth.password), { mode: 0o600 });
    lines.push(`password_file ${path.join(dir, 'passwd')}`);
  }
  if (opts.tls) {
    lines.push(`cafile ${opts.tls.ca}`, `certfile ${opts.tls.cert}`, `keyfile ${opts.tls.key}`);
    lines.push(`require_certificate ${opts.tls.requireClientCert ? 'true' : 'false'}`);
  }
  const file = path.join(dir, 'mosquitto.conf');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`broker exited during start-up:\n${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host: '127.0.0.1', port }, () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`broker did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${output()}`);
}

export async function startBroker(opts: BrokerOptions = {}): Promise<TestBroker> {
  const wanted = opts.impl ?? (process.env.GLANCE_TEST_BROKER as BrokerOptions['impl']);
  const mosquitto = wanted === 'aedes' ? null : mosquittoPath();
  if (wanted === 'mosquitto' && !mosquitto) throw new Error('mosquitto is not installed');
  const impl = mosquitto ? 'mosquitto' : 'aedes';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-broker-'));
  const port = await freePort();
  let out = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async () => {
    if (mosquitto) {
      const conf = mosquittoConfig(dir, port, opts);
      child = spawn(mosquitto, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    } else {
      const spec = JSON.stringify({ port, dir, tls: opts.tls, auth: opts.auth });
      child = spawn(process.execPath, ['--import', 'tsx', here, '--aedes-child', spec], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    }
    const c = child;
    c.stdout!.on('data', (d) => (out += d));
    c.stderr!.on('data', (d) => (out += d));
    exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    await waitForPort(port, c, () => out);
  };

  const signal = async (sig: NodeJS.Signals) => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const done = exited;
    c.kill(sig);
    const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
  };

  await launch();
  let removed = false;
  return {
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    impl,
    output: () => out,
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGTERM');
      await launch();
    },
    stop: async () => {
      await signal('SIGTERM');
      if (!removed) {
        removed = true;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The aedes fallback, run in its own process. Persistent sessions (clean: false) are saved to a state
 * file on every subscribe so that, like mosquitto with persistence, a restarted broker queues messages
 * for a subscriber that has not reconnected yet.
 */
async function aedesChild(spec: { port: number; dir: string; tls?: BrokerTls; auth?: { username: string; password: string } }) {
  const { Aedes } = await import('aedes');
  const net = await import('node:net');
  const tls = await import('node:tls');
  const stateFile = path.join(spec.dir, 'aedes-sessions.json');
  const sessions: Record<string, Array<{ topic: string; qos: number }>> = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
  const auth = spec.auth;
  // An `authenticate: undefined` key would replace aedes's default handler: only pass one with auth.
  const broker = await Aedes.createBroker(
    auth
      ? {
          authenticate: (_client, username, password, done) => {
            if (username === auth.username && password?.toString() === auth.password) return done(null, true);
            const err = Object.assign(new Error('bad user name or password'), { returnCode: 4 as const });
            process.stderr.write(`aedes: login refused for ${username}\n`);
            done(err, false);
          },
        }
      : {},
  );
  // aedes exposes its persistence at runtime but not in its types.
  const persistence = (broker as unknown as { persistence: { addSubscriptions(c: { id: string }, s: unknown[]): Promise<void> } }).persistence;
  for (const [id, subs] of Object.entries(sessions)) await persistence.addSubscriptions({ id }, subs);
  const save = () => writeFileSync(stateFile, JSON.stringify(sessions));
  broker.on('subscribe', (subs, client) => {
    if (!client || client.clean) return;
    const list = (sessions[client.id] ??= []);
    for (const s of subs) {
      const i = list.findIndex((x) => x.topic === s.topic);
      if (i >= 0) list.splice(i, 1);
      list.push({ topic: s.topic, qos: s.qos });
    }
    save();
  });
  broker.on('unsubscribe', (topics, client) => {
    if (!client || client.clean || !sessions[client.id]) return;
    sessions[client.id] = sessions[client.id].filter((s) => !topics.includes(s.topic));
    save();
  });
  const server = spec.tls
    ? tls.createServer(
        {
          ca: readFileSync(spec.tls.ca),
          cert: readFileSync(spec.tls.cert),
          key: readFileSync(spec.tls.key),
          requestCert: spec.tls.requireClientCert === true,
          rejectUnauthorized: spec.tls.requireClientCert === true,
        },
        broker.handle,
      )
    : net.createServer(broker.handle);
  server.listen(spec.port, '127.0.0.1', () => process.stdout.write(`aedes listening on ${spec.port}\n`));
  const close = () => broker.close(() => server.close(() => process.exit(0)));
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}

const flag = process.argv.indexOf('--aedes-child');
if (flag > 0 && path.resolve(process.argv[1] ?? '') === here) {
  aedesChild(JSON.parse(process.argv[flag + 1])).catch((err) => {
    process.stderr.write(`aedes child failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
