import test from 'ava';
import { Mailbox } from '../../src/core/mailbox.ts';

test('latest item wins and overwritten items are counted as dropped', (t) => {
  const box = new Mailbox<number>();
  box.offer(1);
  box.offer(2);
  box.offer(3);
  t.is(box.poll(), 3);
  t.is(box.poll(), undefined);
  t.deepEqual(box.counters, { offered: 3, taken: 1, dropped: 2 });
});

test('a waiting consumer receives the next item directly, nothing dropped', async (t) => {
  const box = new Mailbox<string>();
  const next = box.take();
  box.offer('a');
  t.is(await next, 'a');
  t.is(box.counters.dropped, 0);
});

test('take resolves undefined on abort and on close, so consumer loops end quietly', async (t) => {
  const box = new Mailbox<number>();
  const ac = new AbortController();
  const pending = box.take(ac.signal);
  ac.abort();
  t.is(await pending, undefined);
  const again = box.take();
  box.close();
  t.is(await again, undefined);
  box.offer(5);
  t.is(box.poll(), undefined);
  t.true(box.isClosed);
});

test('a slow consumer costs drops, never memory: the slot holds at most one item', async (t) => {
  const box = new Mailbox<Uint8Array>();
  let consumed = 0;
  const ac = new AbortController();
  const consumer = (async () => {
    while (!ac.signal.aborted) {
      const item = await box.take(ac.signal);
      if (!item) break;
      consumed++;
      // The point of the test: a consumer slower than the producer.
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  for (let i = 0; i < 2000; i++) {
    box.offer(new Uint8Array(16));
    if (i % 100 === 0) await new Promise((r) => setImmediate(r));
  }
  // Lets the consumer take what it takes; no check below depends on how much that is.
  await new Promise((r) => setTimeout(r, 20));
  ac.abort();
  await consumer;
  const { offered, taken, dropped } = box.counters;
  t.is(offered, 2000);
  t.true(dropped > 1000);
  t.is(taken + dropped + (box.poll() ? 1 : 0), offered);
  t.true(consumed <= taken);
});

test('whenEmpty resolves when the consumer takes the item or the mailbox closes, not before', async (t) => {
  const box = new Mailbox<number>();
  await box.whenEmpty(); // empty already: resolves at once
  box.offer(1);
  let emptied = false;
  const wait = box.whenEmpty().then(() => (emptied = true));
  await new Promise((r) => setImmediate(r));
  t.false(emptied, 'an item still in the slot');
  box.offer(2); // replacing the item does not empty the slot
  await new Promise((r) => setImmediate(r));
  t.false(emptied);
  t.is(await box.take(), 2);
  await wait;
  t.true(emptied);

  box.offer(3);
  const onClose = box.whenEmpty();
  box.close();
  await onClose;
  t.pass();
});

test('offer returns the unread item it displaced, and nothing when a consumer took it', async (t) => {
  const box = new Mailbox<string>();
  t.is(box.offer('a'), undefined);
  t.is(box.offer('b'), 'a');
  t.is(box.poll(), 'b');
  const waiting = box.take();
  t.is(box.offer('c'), undefined);
  t.is(await waiting, 'c');
  box.close();
  t.is(box.offer('d'), undefined);
});
