import test from 'ava';
import { decodeImageFile } from '../../../src/tools/media/image-file.ts';
import { demo, writeBadImages } from '../../inference/helpers/bad-images.ts';
import { ImageFileError } from '../../../src/core/errors.ts';

const bad = writeBadImages();

test('a real photo decodes to rgb24 at full size', async (t) => {
  const img = await decodeImageFile(demo(1));
  t.is(img.width, 1920);
  t.is(img.height, 1280);
  t.is(img.data.length, 1920 * 1280 * 3);
});

test('each kind of bad file gets an error that names the file and the problem', async (t) => {
  const cases: Array<[string, RegExp]> = [
    [bad.empty, /empty\.jpg: empty file/],
    [bad.text, /notes\.jpg: not a readable image/],
    [bad.truncated, /truncated\.jpg: truncated or corrupt image data/],
    [bad.huge, /huge\.jpg: image is 20000x20000 \(400 megapixels\), above the 40 megapixel limit/],
    [`${bad.dir}/missing.jpg`, /missing\.jpg: cannot read: ENOENT/],
  ];
  for (const [file, message] of cases) {
    const err = await t.throwsAsync(decodeImageFile(file), { instanceOf: ImageFileError });
    t.regex(err!.message, message);
  }
});
