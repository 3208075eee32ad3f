import test from 'ava';
import { iou, iouOfCorners } from '../../src/core/box.ts';

test('iou: identical boxes 1, disjoint or touching 0, a known partial overlap exactly', (t) => {
  const a = { x: 0, y: 0, width: 10, height: 10 };
  t.is(iou(a, a), 1);
  t.is(iou(a, { x: 20, y: 0, width: 10, height: 10 }), 0);
  t.is(iou(a, { x: 10, y: 0, width: 10, height: 10 }), 0, 'sharing an edge is no overlap');
  // 5x10 shared of 100 + 100 - 50.
  t.is(iou(a, { x: 5, y: 0, width: 10, height: 10 }), 50 / 150);
  t.is(iou(a, { x: 0, y: 0, width: 0, height: 0 }), 0, 'an empty box overlaps nothing');
});

test('iouOfCorners is the same function as iou over corner coordinates', (t) => {
  const boxes = [
    { x: 0, y: 0, width: 10, height: 10 },
    { x: 1, y: 1, width: 10, height: 10 },
    { x: 3.5, y: -2, width: 4, height: 30 },
    { x: 50, y: 50, width: 10, height: 10 },
  ];
  for (const a of boxes) {
    for (const b of boxes) {
      t.is(iouOfCorners(a.x, a.y, a.x + a.width, a.y + a.height, b.x, b.y, b.x + b.width, b.y + b.height), iou(a, b));
    }
  }
  t.is(iouOfCorners(0, 0, 10, 10, 1, 1, 11, 11), 81 / 119);
});
