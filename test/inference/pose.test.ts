import test from 'ava';
import { MESH, MESH_POINTS } from '../../src/inference/face/landmarks.ts';
import { poseFromKeypoints, poseFromMesh } from '../../src/inference/face/pose.ts';

/**
 * A mesh with only the pose points set: a face in 3-D, rotated by yaw (about y) then roll (about z).
 * As in real face-mesh output for a face looking into the camera, the chin point lies deeper than
 * the forehead point (by tan 10.5° of the face height), which the pose code corrects for.
 */
const CHIN_DEPTH = 100 * Math.tan((10.5 * Math.PI) / 180);
function syntheticMesh(yawDeg: number, rollDeg: number): Float32Array {
  const pts = new Float32Array(MESH_POINTS * 3);
  const face: Record<number, [number, number, number]> = {
    [MESH.forehead]: [0, -50, -CHIN_DEPTH / 2],
    [MESH.chin]: [0, 50, CHIN_DEPTH / 2],
    [MESH.rightCheek]: [-40, 0, 0],
    [MESH.leftCheek]: [40, 0, 0],
  };
  const y = (yawDeg * Math.PI) / 180;
  const r = (rollDeg * Math.PI) / 180;
  for (const [i, [x0, y0, z0]] of Object.entries(face)) {
    // Yaw towards the image's right: the left cheek (image right) moves away (z grows away from the camera).
    const x1 = x0 * Math.cos(y) - z0 * Math.sin(y);
    const z1 = x0 * Math.sin(y) + z0 * Math.cos(y);
    const x2 = x1 * Math.cos(r) - y0 * Math.sin(r);
    const y2 = x1 * Math.sin(r) + y0 * Math.cos(r);
    pts.set([x2 + 200, y2 + 200, z1], Number(i) * 3);
  }
  return pts;
}

test('mesh pose: a frontal face reads zero, and yaw and roll come back with their signs', (t) => {
  const p0 = poseFromMesh(syntheticMesh(0, 0));
  t.deepEqual(
    [p0.yaw, p0.pitch, p0.roll].map((v) => Math.abs(v)),
    [0, 0, 0],
  );
  const p1 = poseFromMesh(syntheticMesh(30, 0));
  t.true(Math.abs(p1.yaw - 30) < 2.5, `yaw ${p1.yaw}`);
  const p2 = poseFromMesh(syntheticMesh(-20, 15));
  t.true(Math.abs(p2.yaw + 20) < 2.5, `yaw ${p2.yaw}`);
  t.true(Math.abs(p2.roll - 15) < 1, `roll ${p2.roll}`);
});

test('keypoint pose: level eyes with the nose between them read frontal; a shifted nose reads as yaw', (t) => {
  const p = poseFromKeypoints([100, 100], [160, 100], [130, 139]);
  t.true(Math.abs(p.yaw) < 0.1 && Math.abs(p.pitch) < 0.1 && Math.abs(p.roll) < 0.1, JSON.stringify(p));
  const right = poseFromKeypoints([100, 100], [160, 100], [145, 139]);
  t.true(right.yaw > 20, `yaw ${right.yaw}`);
  const left = poseFromKeypoints([100, 100], [160, 100], [115, 139]);
  t.is(left.yaw, -right.yaw);
  const up = poseFromKeypoints([100, 100], [160, 100], [130, 120]);
  t.true(up.pitch > 10, `pitch ${up.pitch}`);
  const tilted = poseFromKeypoints([100, 100], [160, 130], [120, 150]);
  t.true(Math.abs(tilted.roll - (Math.atan2(30, 60) * 180) / Math.PI) < 0.1);
});
