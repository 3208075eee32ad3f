import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import { runGlance } from '../../helpers/process.ts';
import { ffmpegBin } from '../../capture/helpers.ts';
import { demo, writeBadImages } from '../../inference/helpers/bad-images.ts';

// `glance analyze` as a person runs it: a real process, real models, a folder with good and bad files.
const CONFIG = ['-c', '/dev/null'];

test('a folder run reports every good photo and carries on past each bad file with a clear error', async (t) => {
  const bad = writeBadImages();
  copyFileSync(demo(3), path.join(bad.dir, 'group.jpg'));
  copyFileSync(demo(6), path.join(bad.dir, 'zz-last.jpg'));
  const annotated = path.join(bad.dir, 'annotated');
  const r = await runGlance([...CONFIG, 'analyze', bad.dir, '--json', '--annotate', annotated], {}, 110_000);
  t.is(r.code, 1, r.stderr); // some inputs failed
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const byFile = new Map(lines.map((l) => [l.file, l]));
  t.is(byFile.get('group.jpg').faces.length, 3);
  t.is(byFile.get('zz-last.jpg').faces.length, 4); // after all the bad files
  t.regex(byFile.get('empty.jpg').error, /empty file/);
  t.regex(byFile.get('notes.jpg').error, /not a readable image/);
  t.regex(byFile.get('truncated.jpg').error, /truncated or corrupt/);
  t.regex(byFile.get('huge.jpg').error, /20000x20000.*megapixel limit/);
  t.regex(r.stderr, /huge\.jpg: image is 20000x20000/);
  t.regex(r.stderr, /2 of 6 files analysed, 4 failed/);
  // The annotated copy is the user's own photo at full size.
  const meta = await sharp(path.join(annotated, 'group.jpg')).metadata();
  t.is(meta.width, 1920);
  t.false(existsSync(path.join(annotated, 'empty.jpg')));
});

test('one image as a table; bad arguments exit 2; a missing model exits 3', async (t) => {
  const r = await runGlance([...CONFIG, 'analyze', demo(4)], {}, 60_000);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /sample4\.jpg {2}1920x1448 {2}4 faces/);
  t.regex(r.stdout, /yaw pitch roll/);
  const missing = await runGlance([...CONFIG, 'analyze', 'no/such/file.jpg']);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /no such file or folder/);
  const noModel = await runGlance([...CONFIG, 'analyze', demo(4), '--detector', 'no-such-model']);
  t.is(noModel.code, 3);
  t.regex(noModel.stderr, /no-such-model/);
});

test('a video is read frame by frame through ffmpeg', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { dir } = writeBadImages();
  const video = path.join(dir, 'clip.mp4');
  // 4 frames of a real photo, scaled to 960 px wide.
  const made = spawnSync(ffmpegBin(), ['-y', '-loglevel', 'error', '-loop', '1', '-i', demo(3), '-frames:v', '4', '-r', '4', '-vf', 'scale=960:-2', '-pix_fmt', 'yuv420p', video]);
  t.is(made.status, 0, String(made.stderr));
  const r = await runGlance([...CONFIG, 'analyze', video, '--json', '--every', '2'], {}, 60_000);
  t.is(r.code, 0, r.stderr);
  const frames = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.deepEqual(
    frames.map((f) => f.frame),
    [0, 2],
  );
  for (const f of frames) {
    t.is(f.width, 960);
    t.is(f.faces.length, 3);
  }
});

test('videos decode through capture.ffmpegPath from the config; --every and --max-frames take positive integers', async (t) => {
  const video = path.join(mkdtempSync(path.join(tmpdir(), 'glance-analyze-')), 'clip.mp4');
  t.teardown(() => rmSync(path.dirname(video), { recursive: true, force: true }));
  writeFileSync(video, 'not decoded: the configured ffmpeg is looked up first');
  const r = await runGlance([...CONFIG, 'analyze', video], { GLANCE_CAPTURE__FFMPEG_PATH: '/nonexistent/ffmpeg' }, 60_000);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /clip\.mp4: capture\.ffmpegPath \/nonexistent\/ffmpeg is not an executable file/);

  const every = await runGlance([...CONFIG, 'analyze', video, '--every', '0']);
  t.is(every.code, 2);
  t.regex(every.stderr, /^glance: --every must be a positive integer, got "0"$/m);
  const most = await runGlance([...CONFIG, 'analyze', video, '--max-frames', '1.5']);
  t.is(most.code, 2);
  t.regex(most.stderr, /^glance: --max-frames must be a positive integer, got "1\.5"$/m);
});
