import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startBroker, type TestBroker } from '../../helpers/broker.ts';
import { makePki, opensslPath, type TestPki } from './certs.ts';
import { startStage, Subscriber, tempDir, visit } from './harness.ts';
import { waitFor } from '../../helpers/wait.ts';

const tlsTest = opensslPath() ? test.serial : test.skip;
const why = opensslPath() ? '' : ' (skipped: openssl is not installed, so no certificates can be made)';

let pki: TestPki;
let broker: TestBroker;
let dir: string;

test.before(async () => {
  if (!opensslPath()) return;
  dir = tempDir('glance-tls-');
  pki = makePki(dir);
  broker = await startBroker({
    tls: { ca: pki.ca, cert: pki.serverCert, key: pki.serverKey, requireClientCert: true },
    auth: { username: 'glance', password: 'correct horse' },
  });
});
test.after.always(async () => {
  await broker?.stop();
});

/** A back-office subscriber with its own client certificate. */
const subscriber = (topics: string[]) =>
  Subscriber.connect(broker.url, topics, { ca: [readFileSync(pki.ca)], cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey), username: 'glance', password: 'correct horse', rejectUnauthorized: true });

function yaml(password: string, ca = pki.ca) {
  const secretFile = path.join(dir, `pw-${Math.random().toString(36).slice(2)}`);
  writeFileSync(secretFile, `${password}\n`, { mode: 0o600 });
  return `mqtt:
  url: ${broker.url}
  visits: true
  ca: ${ca}
  cert: ${pki.clientCert}
  key: ${pki.clientKey}
  username: glance
  password: { file: ${secretFile} }
  reconnectMinMs: 200
  reconnectMaxMs: 1000
  healthIntervalS: 3600
`;
}

tlsTest(`TLS with a CA, a client certificate and a password from a secret file${why}`, async (t) => {
  t.timeout(60_000);
  const sub = await subscriber(['glance/glance-1/#']);
  t.teardown(() => sub.close());
  const h = await startStage(yaml('correct horse'));
  t.teardown(() => h.stop());
  await sub.waitFor('online', () => sub.on('glance/glance-1/status').some((m) => m.json?.state === 'online'));
  h.bus.emit('visit', visit(1));
  await sub.waitFor('visit over TLS', () => sub.on('glance/glance-1/visit').length === 1);
  t.like(h.probe(), { connected: true, broker: broker.url, last_error: null });
  t.regex(broker.url, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
  t.false(h.logs().includes('correct horse'));
});

tlsTest(`a wrong password is refused and logged; the daemon keeps running and queues visits${why}`, async (t) => {
  t.timeout(60_000);
  const h = await startStage(yaml('wrong horse'));
  t.teardown(() => h.stop());
  // Let it retry a few times (200 ms → 1 s backoff): one log line, not one per attempt.
  await waitFor('three login retries', () => h.entries().filter((e) => e.msg === 'mqtt reconnect scheduled').length >= 3, 20_000);
  const refused = h.entries().filter((e) => String(e.msg).includes('refused the login'));
  t.is(refused.length, 1, h.logs());
  t.like(refused[0], { level: 50, broker: broker.url });
  t.regex(String((refused[0].err as { message: string }).message), /Not authorized|Bad user/i);
  t.like(h.probe(), { connected: false });
  t.regex(String(h.probe().last_error), /Not authorized|Bad user/i);
  h.bus.emit('visit', visit(2));
  t.is(h.probe().outbox_depth, 1, 'visits wait in the outbox');
  t.false(h.logs().includes('wrong horse'), 'the password is never logged');
});

tlsTest(`a broker certificate not signed by mqtt.ca is refused${why}`, async (t) => {
  t.timeout(60_000);
  const h = await startStage(yaml('correct horse', pki.otherCa));
  t.teardown(() => h.stop());
  await waitFor('a failed connection logged', () => h.entries().some((e) => String(e.msg).includes('mqtt connection to')), 15_000);
  t.false(h.probe().connected as boolean);
  const failed = h.entries().find((e) => String(e.msg).includes('mqtt connection to'));
  t.truthy(failed, h.logs());
  t.regex(String((failed!.err as { message: string }).message), /certificate|self.signed|unable to verify/i);
});

test('a missing or unreadable certificate file is a resource error naming the key and file', async (t) => {
  const missing = await t.throwsAsync(() => startStage('mqtt: { url: "mqtts://127.0.0.1:1", ca: /nonexistent/ca.pem }'));
  t.is(missing!.name, 'ResourceError');
  t.regex(missing!.message, /mqtt\.ca: cannot read \/nonexistent\/ca\.pem: ENOENT/);
  const junk = path.join(tempDir(), 'junk.pem');
  writeFileSync(junk, 'not a certificate');
  const bad = await t.throwsAsync(() => startStage(`mqtt: { url: "mqtts://127.0.0.1:1", cert: ${junk}, key: ${junk} }`));
  t.is(bad!.name, 'ResourceError');
  t.regex(bad!.message, /mqtt\.ca\/cert\/key: .*junk\.pem.*(PEM|no start line)/);
});
