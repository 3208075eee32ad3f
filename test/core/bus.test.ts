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
