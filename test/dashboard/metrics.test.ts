import test from 'ava';
import { register as globalRegistry } from 'prom-client';
import type { FrameFaces } from '../../src/core/types.ts';
import { harness } from './helpers.ts';

function frame(faces: number, timingsMs: Record<string, number>): FrameFaces {
  return { seq: 1, monoMs: 0, wallMs: Date.now(), width: 640, height: 360, faces: Array.from({ length: faces }, () => ({ box: { x: 0, y: 0, width: 10, height: 10 }, score: 0.9, landmarks: [] })), timingsMs };
}

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

test('/metrics: pipeline counters and latency histograms fed from the bus', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  h.bus.emit('faces', frame(2, { detector: 12, emotion: 3 }));
  h.bus.emit('faces', frame(1, { detector: 40 }));
  h.bus.emit('visit', { startedAt: 0, endedAt: 1, dwellS: 1, attentionS: 0, watcher: true, ageBand: '25-34', gender: 'female', emotions: {}, dominantEmotion: 'happy', contentId: null });
  h.bus.emit('live', { wallMs: Date.now(), width: 640, height: 360, fps: 12.5, people: [{ box: { x: 1, y: 1, width: 5, height: 5 }, watching: true }] });
  const res = await h.app.inject('/metrics');
  t.is(res.statusCode, 200);
  t.regex(String(res.headers['content-type']), /^text\/plain; version=0.0.4/);
  const text = res.body;
  t.is(value(text, 'glance_frames_analyzed_total'), 2);
  t.is(value(text, 'glance_faces_detected_total'), 3);
  t.is(value(text, 'glance_inference_latency_seconds_count{model="detector"}'), 2);
  t.is(value(text, 'glance_inference_latency_seconds_bucket{le="0.02",model="detector"}'), 1);
  t.is(value(text, 'glance_inference_latency_seconds_sum{model="emotion"}'), 0.003);
  t.is(value(text, 'glance_visits_total{watcher="true"}'), 1);
  t.is(value(text, 'glance_fps'), 12.5);
  t.is(value(text, 'glance_people_in_view'), 1);
  t.true(value(text, 'process_resident_memory_bytes')! > 1e6);
});

test('/metrics: outbox depth and every numeric health field come from the health snapshot', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  let depth = 7;
  h.health.register('mqtt', () => ({ connected: false, outbox_dropped: 2, outbox_depth: depth, outbox_sent: 40 }));
  h.health.register('capture', () => ({ state: 'running', fps: 15, dropped: 4 }));
  let text = (await h.app.inject('/metrics')).body;
  t.is(value(text, 'glance_outbox_depth'), 7);
  t.is(value(text, 'glance_health_value{probe="capture",field="dropped"}'), 4);
  t.is(value(text, 'glance_health_value{probe="mqtt",field="connected"}'), 0);
  depth = 9;
  // Outlasts the 250 ms snapshot cache: the point is that a later scrape sees the change (load only lengthens it).
  await new Promise((r) => setTimeout(r, 300));
  text = (await h.app.inject('/metrics')).body;
  t.is(value(text, 'glance_outbox_depth'), 9);
});

test('metrics live on their own registry, so two dashboards never collide', async (t) => {
  const a = await harness();
  const b = await harness();
  t.teardown(a.close);
  t.teardown(b.close);
  a.bus.emit('faces', frame(1, { detector: 5 }));
  t.is(value((await a.app.inject('/metrics')).body, 'glance_frames_analyzed_total'), 1);
  t.is(value((await b.app.inject('/metrics')).body, 'glance_frames_analyzed_total'), 0);
  t.is(globalRegistry.getSingleMetric('glance_frames_analyzed_total'), undefined);
  await a.close();
  t.is(a.bus.listenerCount('faces'), 0, 'closing the app unsubscribes from the bus');
});
