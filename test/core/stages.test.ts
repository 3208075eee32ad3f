import test from 'ava';
import { pino } from 'pino';
import { StageRunner } from '../../src/core/stage-runner.ts';
import type { Stage } from '../../src/core/stage.ts';
import { waitFor } from '../helpers/wait.ts';

const log = pino({ level: 'silent' });

function recorder() {
  const calls: string[] = [];
  const stage = (name: string, opts: { failStart?: boolean; failStop?: boolean; waitForAbort?: boolean } = {}): Stage => ({
    name,
    async start(signal) {
      calls.push(`start:${name}`);
      if (opts.failStart) throw new Error(`${name} failed`);
      if (opts.waitForAbort) await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    },
    async stop() {
      calls.push(`stop:${name}`);
      if (opts.failStop) throw new Error(`${name} stop failed`);
    },
  });
  return { calls, stage };
}

test('starts in order, stops in reverse', async (t) => {
  const { calls, stage } = recorder();
  const runner = new StageRunner([stage('a'), stage('b'), stage('c')], log);
  await runner.start(new AbortController().signal);
  await runner.stop();
  t.deepEqual(calls, ['start:a', 'start:b', 'start:c', 'stop:c', 'stop:b', 'stop:a']);
});

test('a failing stop does not keep the others from stopping', async (t) => {
  const { calls, stage } = recorder();
  const runner = new StageRunner([stage('a'), stage('b', { failStop: true }), stage('c')], log);
  await runner.start(new AbortController().signal);
  await t.notThrowsAsync(runner.stop());
  t.deepEqual(calls.slice(3), ['stop:c', 'stop:b', 'stop:a']);
});

test('a failing start stops what already started and rethrows', async (t) => {
  const { calls, stage } = recorder();
  const runner = new StageRunner([stage('a'), stage('b', { failStart: true }), stage('c')], log);
  await t.throwsAsync(runner.start(new AbortController().signal), { message: 'b failed' });
  t.deepEqual(calls, ['start:a', 'start:b', 'stop:b', 'stop:a']);
});

test('aborting during start-up cancels: later stages never start', async (t) => {
  const { calls, stage } = recorder();
  const ac = new AbortController();
  const runner = new StageRunner([stage('a'), stage('b', { waitForAbort: true }), stage('c')], log);
  const started = runner.start(ac.signal);
  await waitFor('stage b to start', () => calls.includes('start:b'), 5000);
  ac.abort();
  await t.throwsAsync(started);
  t.deepEqual(calls, ['start:a', 'start:b', 'stop:b', 'stop:a']);
});
