import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { parseConfig } from '../../src/config/load.ts';
import { EventBus } from '../../src/core/bus.ts';
import { HealthRegistry } from '../../src/core/health.ts';
import { Mailbox } from '../../src/core/mailbox.ts';
import type { Stage } from '../../src/core/stage.ts';
import { StageRunner } from '../../src/core/stage-runner.ts';
import type { Frame, GlanceEvents, MinuteClosed, Visit } from '../../src/core/types.ts';
import { repoRoot } from '../helpers/process.ts';
import { privacyProblems, rows, tempDir } from '../telemetry/store/helpers.ts';
import { quietLogger } from './helpers.ts';

// The full pipeline on the `demo` source (real photos of real faces, real models): capture → inference
// → audience → store. Needs the inference stage and the built models (npm ci builds them).
const config = parseConfig(`
capture: { source: demo, fps: 4, slideMs: 3000 }
audience: { confirmFrames: 2 }
privacy: { kAnonymity: 1 }
`);
const inferenceStage = path.join(repoRoot, 'src/inference/stage.ts');
const emotionModels = ([] as string[]).concat(config.inference.emotion);
const needed = [config.inference.detector, config.inference.ageGender, ...emotionModels, ...(config.inference.landmarks === 'none' ? [] : [config.inference.landmarks])].map((m) =>
  path.resolve(repoRoot, config.inference.modelsDir, `${m}.onnx`),
);
const missing = !existsSync(inferenceStage) ? 'src/inference/stage.ts does not exist yet' : needed.filter((f) => !existsSync(f)).map((f) => `${path.relative(repoRoot, f)} not built (npm ci / glance models build)`)[0];
const maybe = missing ? test.skip : test.serial;

maybe(`demo source end to end: stored aggregates equal the visits reported${missing ? ` — skipped: ${missing}` : ''}`, async (t) => {
  const { InferenceStage } = await import('../../src/inference/stage.ts');
  const { CaptureStage } = await import('../../src/capture/stage.ts');
  const { AudienceStage } = await import('../../src/audience/stage.ts');
  const { StoreStage } = await import('../../src/telemetry/store/stage.ts');
  const dir = tempDir(t, 'glance-demo-');
  config.storage.dataDir = dir;
  const { log } = quietLogger();
  const bus = new EventBus<GlanceEvents>(log);
  const health = new HealthRegistry();
  const frames = new Mailbox<Frame>();
  const visits: Visit[] = [];
  const closed: MinuteClosed[] = [];
  let faceEvents = 0;
  let facesSeen = 0;
  bus.on('visit', (v) => visits.push(v));
  bus.on('minuteClosed', (m) => closed.push(m));
  bus.on('faces', (f) => {
    faceEvents++;
    facesSeen += f.faces.length;
  });
  const stages: Stage[] = [
    new StoreStage({ config: config.storage, privacy: config.privacy, log, bus, health }),
    new AudienceStage({ config: config.audience, privacy: config.privacy, log, bus, health }),
    new InferenceStage({ config: config.inference, privacy: config.privacy, log, frames, bus, health }),
    new CaptureStage({ config: config.capture, log, frames, health }),
  ];
  const runner = new StageRunner(stages, log);
  await runner.start(new AbortController().signal);
  // Run until the slideshow has shown a few photos and some visits have ended (bounded).
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline && (visits.length < 3 || faceEvents < 20)) await new Promise((r) => setTimeout(r, 200));
  frames.close();
  await runner.stop();

  // Listed before any check opens the database (a read-only reader leaves its own -wal/-shm behind).
  t.deepEqual(readdirSync(dir), ['glance.db'], 'only the database; the WAL was checkpointed and removed at stop');
  t.true(faceEvents >= 20, `${faceEvents} frames analysed`);
  t.true(visits.length >= 3, `${visits.length} visits`);
  const sum = (k: 'dwellS' | 'attentionS') => Math.round(visits.reduce((a, v) => a + v[k], 0) * 1000) / 1000;
  const stored = rows<{ p: number; w: number; d: number; a: number }>(dir, 'SELECT SUM(passers_by) AS p, SUM(watchers) AS w, ROUND(SUM(dwell_s), 3) AS d, ROUND(SUM(attention_s), 3) AS a FROM minute_aggregates')[0];
  t.deepEqual(stored, { p: visits.length, w: visits.filter((v) => v.watcher).length, d: sum('dwellS'), a: sum('attentionS') });
  const counters = rows<{ f: number; n: number }>(dir, 'SELECT SUM(frames) AS f, SUM(faces) AS n FROM minute_counters')[0];
  t.deepEqual(counters, { f: faceEvents, n: facesSeen });
  t.is(
    closed.reduce((a, c) => a + (c.totals?.passersBy ?? 0), 0),
    visits.length,
    'minuteClosed totals add up to the visits too',
  );
  t.deepEqual(privacyProblems(dir), []);
  t.log(`${faceEvents} frames, ${facesSeen} faces, ${visits.length} visits, ${closed.length} minute(s)`);
});
