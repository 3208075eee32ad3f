import { randomBytes } from 'node:crypto';
import test from 'ava';
import { ContentThrottle } from '../../../src/telemetry/mqtt/content-throttle.ts';
import { MAX_INPUT_BYTES, parseCommand, parseContentSet } from '../../../src/telemetry/mqtt/inputs.ts';
import { freePort } from '../../helpers/broker.ts';
import { captureLogger, sleep, startStage, Subscriber } from './harness.ts';

const b = (s: string) => Buffer.from(s, 'utf8');

test('content/set accepts a bare id, {"content_id": ...}, and null to clear', (t) => {
  t.deepEqual(parseContentSet(b('promo-42')), { ok: true, value: 'promo-42' });
  t.deepEqual(parseContentSet(b(' spring_sale:v2.1 \n')), { ok: true, value: 'spring_sale:v2.1' });
  t.deepEqual(parseContentSet(b('{"content_id":"promo-42"}')), { ok: true, value: 'promo-42' });
  t.deepEqual(parseContentSet(b('{"content_id":null}')), { ok: true, value: null });
  t.deepEqual(parseContentSet(b('x'.repeat(128))), { ok: true, value: 'x'.repeat(128) });
});

test('content/set rejects everything else with a reason', (t) => {
  const reason = (p: Uint8Array) => {
    const r = parseContentSet(p);
    t.false(r.ok, `accepted ${Buffer.from(p).toString('utf8').slice(0, 40)}`);
    return r.ok ? '' : r.reason;
  };
  t.regex(reason(b('')), /empty/);
  t.regex(reason(b('x'.repeat(129))), /1-128 characters/);
  t.regex(reason(b('../../etc/passwd')), /characters/);
  t.regex(reason(b('<script>')), /characters/);
  t.regex(reason(b('a b')), /characters/);
  t.regex(reason(b('{"content_id": 42}')), /must be a string or null, got number/);
  t.regex(reason(b('{"content_id": ["a"]}')), /got object/);
  t.regex(reason(b('{"contentId": "a"}')), /unknown key/);
  t.regex(reason(b('{"content_id": "a", "x": 1}')), /unknown key/);
  t.regex(reason(b('{}')), /missing "content_id"/);
  t.regex(reason(b('{"content_id": ')), /not valid JSON/);
  t.regex(reason(Buffer.from([0x61, 0xff, 0xfe])), /UTF-8/);
  t.regex(reason(Buffer.alloc(MAX_INPUT_BYTES + 1, 0x61)), /too large \(4097 bytes, limit 4096\)/);
  t.regex(reason(Buffer.alloc(1024 * 1024, 0x61)), /too large/);
});

test('commands: a closed set, optional request_id, strict types', (t) => {
  t.deepEqual(parseCommand(b('{"command":"ping"}')), { ok: true, value: { command: 'ping', requestId: null } });
  t.deepEqual(parseCommand(b('{"command":"publish_stats","request_id":"abc-1"}')), { ok: true, value: { command: 'publish_stats', requestId: 'abc-1' } });
  const reason = (s: string | Uint8Array) => {
    const r = parseCommand(typeof s === 'string' ? b(s) : s);
    t.false(r.ok, `accepted ${String(s).slice(0, 40)}`);
    return r.ok ? '' : r.reason;
  };
  t.regex(reason('ping'), /not valid JSON/);
  t.regex(reason('"ping"'), /must be a JSON object/);
  t.regex(reason('[{"command":"ping"}]'), /must be a JSON object/);
  t.regex(reason('null'), /must be a JSON object/);
  t.regex(reason('{"command":"reboot"}'), /unknown command "reboot"/);
  t.regex(reason('{"command":1}'), /must be a string, got number/);
  t.regex(reason('{"command":null}'), /got null/);
  t.regex(reason('{"command":"ping","request_id":5}'), /request_id/);
  t.regex(reason('{"command":"ping","request_id":"a b"}'), /request_id/);
  t.regex(reason('{"command":"ping","extra":true}'), /unknown key/);
  t.regex(reason('{"__proto__":{"command":"ping"}}'), /unknown key|must be a string/);
});

test('random bytes never parse as input and never throw', (t) => {
  for (let i = 0; i < 2000; i++) {
    const payload = randomBytes(i % 64 === 0 ? 5000 : (i * 7) % 300);
    t.notThrows(() => parseContentSet(payload));
    t.notThrows(() => parseCommand(payload));
    const c = parseCommand(payload);
    t.false(c.ok);
  }
});

test('content/set through a real broker: 2,000 changes in a burst apply as a few, the last one wins, a few log lines', async (t) => {
  t.timeout(60_000);
  const port = await freePort();
  const h = await startStage(`mqtt: { embedded: { port: ${port} }, healthIntervalS: 3600 }`);
  t.teardown(() => h.stop());
  const changes: Array<string | null> = [];
  h.bus.on('contentChanged', ({ contentId }) => changes.push(contentId));
  const player = await Subscriber.connect(`mqtt://127.0.0.1:${port}`, ['glance/glance-1/status']);
  t.teardown(() => player.close());
  await player.waitFor('online', () => player.messages.some((m) => m.json?.state === 'online'));
  const started = Date.now();
  for (let i = 0; i < 2000; i++) player.client.publish('glance/glance-1/content/set', `promo-${i}`, { qos: 0 });
  await player.waitFor('the last id applied', () => changes.at(-1) === 'promo-1999', 15_000);
  const seconds = (Date.now() - started) / 1000;
  t.is(changes[0], 'promo-0', 'the first change applies at once');
  t.true(changes.length <= Math.ceil(seconds) + 1, `${changes.length} changes applied in ${seconds.toFixed(1)} s (at most one a second)`);
  const lines = h.entries().filter((e) => String(e.msg).startsWith('content now playing'));
  t.is(lines.length, changes.length, 'one line per applied change, not per message');
  t.like(h.probe(), { inputs_rejected: 0 });
});

test('ContentThrottle: a change within the interval is held and the newest held one wins; the same id is no change', async (t) => {
  const { log } = captureLogger();
  const applied: Array<string | null> = [];
  const th = new ContentThrottle({ log, onChange: (id) => applied.push(id), minIntervalMs: 100 });
  t.teardown(() => th.stop());
  th.offer('a');
  th.offer('b');
  th.offer(null);
  th.offer('c');
  t.deepEqual(applied, ['a']);
  t.is(th.contentId, 'a');
  await sleep(200);
  t.deepEqual(applied, ['a', 'c'], 'after the interval, the last offer wins');
  th.offer('c');
  await sleep(200);
  t.deepEqual(applied, ['a', 'c'], 'the id already playing changes nothing');
  th.offer(null);
  t.deepEqual(applied, ['a', 'c', null], 'clearing is a change like any other');
});

test('ContentThrottle: 10 change lines a minute, then one summary line for the rest', (t) => {
  const { log, entries } = captureLogger();
  let now = 0;
  const th = new ContentThrottle({ log, onChange: () => {}, minIntervalMs: 0, now: () => now });
  for (let i = 0; i < 25; i++) th.offer(`id-${i}`);
  t.is(entries().length, 10, 'the first 10 changes of the minute are logged');
  now += 60_000;
  th.offer('next');
  const after = entries().slice(10);
  t.is(after.length, 2);
  t.like(after[0], { changes: 15, contentId: 'id-24', msg: 'content changed 15 more time(s) in the last minute (not logged one by one); now playing: id-24' });
  t.like(after[1], { contentId: 'next', previous: 'id-24' });
  th.stop();
  t.is(entries().length, 12, 'nothing left to sum up at stop');
});
