import test from 'ava';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/index.ts';
import { glanceVersion } from '../../src/core/version.ts';
import { ConfigError } from '../../src/core/errors.ts';

const names = (cmd: Command) => cmd.commands.map((c) => c.name());

test('the program registers every command family, in the order --help lists them', (t) => {
  const program = buildProgram();
  t.deepEqual(names(program), ['run', 'config', 'models', 'analyze', 'eval', 'bench', 'doctor']);
  const sub = (name: string) => names(program.commands.find((c) => c.name() === name)!);
  t.deepEqual(sub('config'), ['check', 'example']);
  t.deepEqual(sub('models'), ['build', 'list', 'verify', 'bench']);
  t.deepEqual(sub('eval'), ['emotion', 'age-gender', 'detect']);
  t.deepEqual(sub('bench'), ['capture', 'pipeline']);
  t.is(program.version(), glanceVersion());
});

test('bench pipeline is the default subcommand, so `glance bench` without one reaches its checks', async (t) => {
  const program = buildProgram().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await t.throwsAsync(program.parseAsync(['bench'], { from: 'user' }), { instanceOf: ConfigError, message: /glance bench: --source is required/ });
});
