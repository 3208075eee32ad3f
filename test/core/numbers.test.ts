import test from 'ava';
import { round, round1, round3 } from '../../src/core/numbers.ts';

test('round, round1 and round3 round half up (Math.round) on the decimal shown', (t) => {
  t.is(round1(12.345), 12.3);
  t.is(round1(12.35), 12.4);
  t.is(round1(-7.26), -7.3);
  t.is(round3(0.12345), 0.123);
  t.is(round3(2 / 3), 0.667);
  t.is(round(1234.5678), 1234.6, 'one decimal unless told');
  t.is(round(1234.5678, 2), 1234.57);
  t.is(round(1234.5678, 0), 1235);
});
