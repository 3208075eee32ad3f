import test from 'ava';
import { LogBudget } from '../../src/core/log-budget.ts';

test('a log budget lets perWindow lines through, counts the rest, and sums them up once the window ends', (t) => {
  let now = 1000;
  const summaries: number[] = [];
  const budget = new LogBudget(
    3,
    60_000,
    (n) => summaries.push(n),
    () => now,
  );
  t.deepEqual(
    Array.from({ length: 5 }, () => budget.take()),
    [true, true, true, false, false],
  );
  t.deepEqual(summaries, [], 'no summary while the window lasts');
  now += 59_999;
  t.false(budget.take());
  t.false(budget.roll(), 'still the same window');
  now += 1;
  t.true(budget.roll(), 'a new window');
  t.deepEqual(summaries, [3], 'one summary line for the three not logged');
  t.true(budget.take());
  budget.flush();
  t.deepEqual(summaries, [3], 'nothing suppressed, nothing to sum up');
  for (let i = 0; i < 4; i++) budget.take();
  budget.flush();
  t.deepEqual(summaries, [3, 2], 'flush (at stop) writes the pending summary at once');
});
