import { randomBytes } from 'node:crypto';
import test from 'ava';
import { MAX_INPUT_BYTES, parseCommand, parseContentSet } from '../../../src/telemetry/mqtt/inputs.ts';

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
