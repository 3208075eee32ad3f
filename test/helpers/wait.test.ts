import test from 'ava';
import { until, waitFor } from './wait.ts';

test('until returns the first value that is accepted, polling until it comes', async (t) => {
  let calls = 0;
  const value = await until(
    'the third call',
    () => ++calls,
    (n) => n >= 3,
    5000,
    5,
  );
  t.is(value, 3);
  t.is(calls, 3);
});

test('until tries a probe that throws again, and async probes work too', async (t) => {
  let calls = 0;
  const value = await until(
    'a server that answers on the second try',
    async () => {
      if (++calls < 2) throw new Error('ECONNREFUSED');
      return 'up';
    },
    (v) => v === 'up',
    5000,
    5,
  );
  t.is(value, 'up');
});

test('until fails after its timeout, naming what it waited for, the last value and the last error', async (t) => {
  let calls = 0;
  const started = Date.now();
  const err = await t.throwsAsync(
    until(
      'the answer',
      () => {
        if (++calls % 2 === 0) throw new Error('busy');
        return calls;
      },
      () => false,
      200,
      20,
    ),
  );
  t.regex(err!.message, /^timed out after 200 ms waiting for the answer; last: \d+ Error: busy$/);
  t.true(Date.now() - started >= 200);
  t.true(calls >= 3, `${calls} calls`);
});

test('until looks once more at its deadline, so a state that arrives during the last pause counts', async (t) => {
  const readyAt = Date.now() + 50;
  const value = await until(
    'ready',
    () => Date.now() >= readyAt,
    (ok) => ok,
    60,
    1000,
  );
  t.true(value);
});

test('waitFor resolves once the predicate holds and rejects with what it waited for', async (t) => {
  let ready = false;
  setTimeout(() => (ready = true), 30);
  await t.notThrowsAsync(waitFor('ready', () => ready, 5000));
  await t.throwsAsync(
    waitFor('a state that never comes', () => false, 50),
    { message: /^timed out after 50 ms waiting for a state that never comes/ },
  );
});
