import test from 'ava';
import { BadRequest, parseBucketRange, parseInstant, parseRange } from '../../src/dashboard/query.ts';
import { csvCell } from '../../src/dashboard/csv.ts';

const NOW = Date.parse('2025-06-15T12:00:00Z');

test('accepts ISO dates, ISO date-times with a zone, and epoch milliseconds', (t) => {
  t.is(parseInstant('from', '2025-06-01').toISOString(), '2025-06-01T00:00:00.000Z');
  t.is(parseInstant('from', '2025-06-01T09:30:00Z').toISOString(), '2025-06-01T09:30:00.000Z');
  t.is(parseInstant('from', '2025-06-01T09:30:00.123+02:00').toISOString(), '2025-06-01T07:30:00.123Z');
  t.is(parseInstant('from', '2025-06-01T09:30+0200').toISOString(), '2025-06-01T07:30:00.000Z');
  t.is(parseInstant('from', String(NOW)).getTime(), NOW);
});

test('rejects impossible or ambiguous dates with a message naming the parameter', (t) => {
  const bad: Array<[string, RegExp]> = [
    ['2025-02-29', /from: "2025-02-29" is not a calendar date \(2025-02 has 28 days\)/],
    ['2025-13-01', /no month 13/],
    ['2025-06-01T25:00:00Z', /not a valid time of day/],
    ['2025-06-01T09:00:00', /needs a time zone/],
    ['yesterday', /is not a date; use ISO 8601/],
    ['1999-12-31', /outside the supported years/],
    ['2025-06-01T09:00:00Z; DROP TABLE', /is not a date/],
  ];
  for (const [text, message] of bad) {
    const err = t.throws(() => parseInstant('from', text), { instanceOf: BadRequest }, text);
    t.regex(err!.message, message, text);
  }
});

test('ranges default to the last 24 hours and must run forwards', (t) => {
  const r = parseRange({}, NOW, 10);
  t.is(r.to.getTime(), NOW);
  t.is(r.from.getTime(), NOW - 86_400_000);
  t.throws(() => parseRange({ from: '2025-06-02', to: '2025-06-01' }, NOW, 10), { message: /from \(2025-06-02T00:00:00.000Z\) must be before to/ });
  t.throws(() => parseRange({ from: '2025-06-01', to: '2025-06-01' }, NOW, 10), { message: /must be before/ });
});

test('range caps depend on the bucket and suggest a coarser one', (t) => {
  t.notThrows(() => parseBucketRange({ from: '2025-06-01', to: '2025-06-08', bucket: 'minute' }, NOW, 'hour'));
  t.throws(() => parseBucketRange({ from: '2024-06-01', to: '2025-06-01', bucket: 'minute' }, NOW, 'hour'), {
    message: /range too large: 365\.0 days asked, at most 7 days with bucket=minute; use bucket=hour/,
  });
  t.notThrows(() => parseBucketRange({ from: '2024-06-01', to: '2025-06-01', bucket: 'hour' }, NOW, 'hour'));
  t.throws(() => parseBucketRange({ from: '2000-01-01', to: '2025-06-01', bucket: 'day' }, NOW, 'hour'), { message: /at most 3660 days/ });
});

test('CSV cells cannot become spreadsheet formulas and are quoted when needed', (t) => {
  t.is(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  t.is(csvCell('+1'), "'+1");
  t.is(csvCell('@SUM(A1)'), "'@SUM(A1)");
  t.is(csvCell('a,b'), '"a,b"');
  t.is(csvCell('spring-sale'), 'spring-sale');
  t.is(csvCell(1 / 3), '0.333');
  t.is(csvCell(null), '');
});
