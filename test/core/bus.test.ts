import test from 'ava';
import { EventBus } from '../../src/core/bus.ts';

interface Events {
  ping: { n: number };
  other: string;
}

test('a throwing listener is isolated and logged; others still receive the event', (t) => {
  const errors: unknown[] = [];
  const bus = new EventBus<Events>({ error: (obj: unknown) => void errors.push(obj) } as never);
  const got: number[] = [];
  bus.on('ping', () => {
    throw new Error('boom');
  });
  bus.on('ping', (p) => got.push(p.n));
  t.notThrows(() => bus.emit('ping', { n: 7 }));
  t.deepEqual(got, [7]);
  t.is(errors.length, 1);
});

test('unsubscribe stops delivery', (t) => {
  const bus = new EventBus<Events>();
  const got: string[] = [];
  const off = bus.on('other', (s) => got.push(s));
  bus.emit('other', 'a');
  off();
  bus.emit('other', 'b');
  t.deepEqual(got, ['a']);
  t.is(bus.listenerCount('other'), 0);
});

test('removeListeners(owner) removes that owner’s listeners on every event, and only theirs', (t) => {
  const bus = new EventBus<Events>();
  const stage = {};
  const other = {};
  const got: string[] = [];
  bus.on('ping', (p) => got.push(`stage ping ${p.n}`), stage);
  bus.on('other', (s) => got.push(`stage other ${s}`), stage);
  bus.on('ping', (p) => got.push(`other ping ${p.n}`), other);
  bus.on('other', (s) => got.push(`unowned other ${s}`));
  bus.removeListeners(stage);
  bus.emit('ping', { n: 1 });
  bus.emit('other', 'x');
  t.deepEqual(got, ['other ping 1', 'unowned other x']);
  t.is(bus.listenerCount('ping'), 1);
  t.is(bus.listenerCount('other'), 1);
  bus.removeListeners(stage);
  t.is(bus.listenerCount('ping'), 1, 'a second removal, or an owner with nothing left, changes nothing');
});

test('an owned listener that throws cannot break emit, and is still removed by owner', (t) => {
  const errors: unknown[] = [];
  const bus = new EventBus<Events>({ error: (obj: unknown) => void errors.push(obj) } as never);
  const owner = {};
  const got: number[] = [];
  bus.on(
    'ping',
    () => {
      throw new Error('boom');
    },
    owner,
  );
  bus.on('ping', (p) => got.push(p.n), {});
  t.notThrows(() => bus.emit('ping', { n: 1 }));
  t.deepEqual(got, [1]);
  t.like(errors[0], { event: 'ping' });
  bus.removeListeners(owner);
  bus.emit('ping', { n: 2 });
  t.deepEqual(got, [1, 2]);
  t.is(errors.length, 1, 'the removed listener ran no more');
});

test('a listener removing its owner’s listeners mid-emit does not stop this emit’s other listeners', (t) => {
  const bus = new EventBus<Events>();
  const owner = {};
  const got: string[] = [];
  bus.on('ping', () => bus.removeListeners(owner), owner);
  bus.on('ping', () => got.push('second'), owner);
  bus.emit('ping', { n: 1 });
  bus.emit('ping', { n: 2 });
  t.deepEqual(got, ['second'], 'this emit had already taken its listeners; the next has none');
});
