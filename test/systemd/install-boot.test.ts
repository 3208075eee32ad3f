import test from 'ava';
import { repoRoot } from '../helpers/process.ts';
import { sandboxUnavailable, startSandbox, type Sandbox } from './sandbox.ts';

/**
 * The closest thing to a fresh box: a real systemd (sandbox.ts) where scripts/install.sh creates the
 * user, directories, credential store, config and unit, and enables the service, then an upgrade
 * and uninstall.sh --purge. The checkout is the application (--app-in-place: npm ci and models
 * build are the slow parts and not what is tested).
 */
const unavailable = sandboxUnavailable();
if (unavailable) console.log(`skipped install-boot: ${unavailable}`);

const show = (sb: Sandbox, ...props: string[]) =>
  Object.fromEntries(
    sb
      .run(['systemctl', 'show', 'glance.service', ...props.map((p) => `--property=${p}`)])
      .stdout.trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );

/** systemctl status and the daemon's last output, for assertion messages. */
const why = (sb: Sandbox, ...more: string[]) => [...more, sb.run(['systemctl', 'status', '--no-pager', '-l', 'glance.service']).stdout, sb.daemonLog().slice(-4000)].join('\n');

/** The HTTP status of a protected dashboard route, fetched inside the sandbox's network. */
const infoStatus = (sb: Sandbox, token?: string) => {
  const headers = token ? `{ authorization: 'Bearer ${token}' }` : '{}';
  const script = `fetch('http://127.0.0.1:8080/api/info', { headers: ${headers} }).then((r) => console.log(r.status))`;
  return sb.run(['node', '-e', script]).stdout.trim();
};

(unavailable ? test.skip : test)('install.sh on a fresh box starts the unit; a secret in the credential store reaches the daemon', async (t) => {
  t.timeout(480_000);
  const sb = await startSandbox(repoRoot);
  t.teardown(() => sb.stop());

  // Fresh install, no secrets anywhere: the unit names two credentials and must start all the same
  // (Type=notify: "active" means the daemon sent READY=1 after warming its models up).
  const install = sb.run(['bash', '/opt/glance/scripts/install.sh', '--app-in-place'], 240_000);
  t.is(install.status, 0, why(sb, install.stdout, install.stderr));
  t.regex(install.stdout, /install\.sh: done/);
  t.like(show(sb, 'ActiveState', 'SubState', 'NRestarts'), { ActiveState: 'active', SubState: 'running', NRestarts: '0' }, why(sb));
  // ProcSubset=pid would hide /proc/cpuinfo from onnxruntime and cost every model its threads.
  t.notRegex(sb.daemonLog(), /Error in cpuinfo/);
  t.is(sb.run(['stat', '-c', '%a %U', '/etc/credstore']).stdout.trim(), '700 root');
  t.is(infoStatus(sb), '200', 'no token configured yet: loopback dashboard is open');

  // An upgrade from the old layout: a token in /etc/glance/credentials moves to the store, and the
  // daemon, restarted with the token referenced as a credential, requires it.
  const token = 'sandbox-token-1234';
  const legacy = sb.run([
    'sh',
    '-c',
    `install -d /etc/glance/credentials && printf '${token}\\n' > /etc/glance/credentials/dashboard-token && ` +
      `sed -i 's/^  # token: (unset)$/  token: {credential: dashboard-token}/' /etc/glance/glance.yaml && grep -c '{credential: dashboard-token}' /etc/glance/glance.yaml`,
  ]);
  t.is(legacy.stdout.trim(), '1', legacy.stderr);
  const upgrade = sb.run(['bash', '/opt/glance/scripts/install.sh', '--app-in-place'], 240_000);
  t.is(upgrade.status, 0, why(sb, upgrade.stdout, upgrade.stderr));
  t.regex(upgrade.stdout, /moved \/etc\/glance\/credentials\/dashboard-token to \/etc\/credstore\/glance\.dashboard-token/);
  t.is(sb.run(['stat', '-c', '%a %U', '/etc/credstore/glance.dashboard-token']).stdout.trim(), '600 root');
  t.not(sb.run(['test', '-e', '/etc/glance/credentials']).status, 0, 'the old credentials directory is gone');

  const restart = sb.run(['systemctl', 'restart', 'glance.service'], 240_000);
  t.is(restart.status, 0, why(sb, restart.stderr));
  t.is(infoStatus(sb), '401');
  t.is(infoStatus(sb, token), '200');

  // --purge takes our secrets and leaves other services' (the store is shared). The prefix is
  // elsewhere: /opt/glance is this checkout, mounted in.
  sb.run(['sh', '-c', "printf 'x' > /etc/credstore/other-service.secret"]);
  const purge = sb.run(['bash', '/opt/glance/scripts/uninstall.sh', '--prefix', '/opt/not-installed', '--purge'], 60_000);
  t.is(purge.status, 0, purge.stdout + purge.stderr);
  t.is(sb.run(['ls', '/etc/credstore']).stdout.trim(), 'other-service.secret');
  t.not(sb.run(['id', 'glance']).status, 0, 'the glance user is gone');
  t.like(show(sb, 'LoadState', 'ActiveState'), { LoadState: 'not-found', ActiveState: 'inactive' });
});
