import test from 'ava';
import { Candidates, nms } from '../../src/inference/image/nms.ts';

test('suppresses overlapping boxes, keeps the strongest, leaves distant boxes', (t) => {
  const c = new Candidates(0, 1);
  c.push(0, 0, 10, 10, 0.6);
  c.push(1, 1, 11, 11, 0.9); // overlaps the first heavily
  c.push(50, 50, 60, 60, 0.7);
  t.deepEqual(nms(c.boxes, c.scores, c.count, 0.3), [1, 2]);
  t.deepEqual(nms(c.boxes, c.scores, c.count, 0.3, 1), [1]);
  // A very permissive threshold keeps all three.
  t.deepEqual(nms(c.boxes, c.scores, c.count, 0.99), [1, 2, 0]);
});

test('candidate storage grows and keeps earlier entries', (t) => {
  const c = new Candidates(1, 1);
  for (let i = 0; i < 5; i++) {
    const k = c.push(i, i, i + 1, i + 1, i / 10);
    c.points[k * 2] = i;
  }
  t.is(c.count, 5);
  t.is(c.boxes[4 * 4], 4);
  t.is(c.points[3 * 2], 3);
  c.reset();
  t.is(c.count, 0);
});
