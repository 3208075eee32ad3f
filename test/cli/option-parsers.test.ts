import test from 'ava';
import { InvalidArgumentError } from 'commander';
import { positiveInt, positiveIntOption, positiveNumber } from '../../src/cli/option-parsers.ts';
import { ConfigError, exitCodeOf } from '../../src/core/errors.ts';

test('positiveInt takes whole numbers above zero; anything else is a commander usage error', (t) => {
  t.is(positiveInt('1'), 1);
  t.is(positiveInt('300'), 300);
  for (const bad of ['0', '-3', '1.5', 'ten', '', 'Infinity']) {
    t.throws(() => positiveInt(bad), { instanceOf: InvalidArgumentError, message: 'expected a positive whole number' }, bad);
  }
});

test('positiveNumber takes finite numbers above zero', (t) => {
  t.is(positiveNumber('0.5'), 0.5);
  t.is(positiveNumber('12'), 12);
  for (const bad of ['0', '-1', 'NaN', 'Infinity', 'soon']) {
    t.throws(() => positiveNumber(bad), { instanceOf: InvalidArgumentError, message: 'expected a positive number' }, bad);
  }
});

test('positiveIntOption applies the same rule and names the option in a ConfigError (exit 2)', (t) => {
  t.is(positiveIntOption('4', '--every'), 4);
  const err = t.throws(() => positiveIntOption('1.5', '--max-frames'), { instanceOf: ConfigError });
  t.is(err!.message, '--max-frames must be a positive integer, got "1.5"');
  t.is(exitCodeOf(err), 2);
});
