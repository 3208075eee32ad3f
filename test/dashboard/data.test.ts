import test from 'ava';
import type { Visit } from '../../src/core/types.ts';
import { harness, syntheticVisit, type Harness } from './helpers.ts';

const HOUR = 3_600_000;

/**
 * n visits spread evenly over the three whole hours before the current one, through the bus into the
 * real store, minutes closed. Returns the visits so tests can compute the expected numbers.
 */
function seedThreeHours(h: Harness, n: number): { visits: Visit[]; from: Date; to: Date } {
  const to = Math.floor(Date.now() / HOUR) * HOUR;
  const from = to - 3 * HOUR;
  const visits = Array.from({ length: n }, (_, i) => syntheticVisit(i, from + Math.floor(((i + 0.5) / n) * 3 * HOUR)));
  for (const v of visits) h.bus.emit('visit', v);
  h.storeStage.tick(Date.now() + 120_000);
  return { visits, from: new Date(from), to: new Date(to) };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const close = (a: number, b: number) => Math.abs(a - b) < 0.01;

test('/api/summary: totals, rates and k-anonymous breakdowns from the real store', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const { visits, from, to } = seedThreeHours(h, 300);
  const res = await h.app.inject({ url: '/api/summary', query: { from: from.toISOString(), to: to.toISOString() } });
  t.is(res.statusCode, 200);
  const s = res.json();
  const watchers = visits.filter((v) => v.watcher);
  t.is(s.passersBy, 300);
  t.is(s.watchers, watchers.length);
  t.is(s.conversion, Math.round((watchers.length / 300) * 10_000) / 10_000);
  t.true(close(s.dwell.totalS, sum(visits.map((v) => v.dwellS))));
  t.true(close(s.attention.meanS, sum(watchers.map((v) => v.attentionS)) / watchers.length));
  t.is(s.kAnonymity, 5);
  // Breakdowns: every visible cell has at least k people or is the merged 'other'; nothing is lost.
  for (const c of s.byAgeGender) t.true(c.passersBy >= 5 || c.ageBand === 'other', JSON.stringify(c));
  t.is(sum(s.byAgeGender.map((c: { passersBy: number }) => c.passersBy)), 300);
  t.deepEqual(s.byContent.map((c: { contentId: string }) => c.contentId).sort(), ['loyalty-card', 'new-arrivals', 'spring-sale']);
  const sale = s.byContent.find((c: { contentId: string }) => c.contentId === 'spring-sale');
  const saleVisits = visits.filter((v) => v.contentId === 'spring-sale');
  t.is(sale.passersBy, saleVisits.length);
  t.is(sale.conversion, Math.round((saleVisits.filter((v) => v.watcher).length / saleVisits.length) * 10_000) / 10_000);
});

test('/api/summary: a range with few people shows totals but no small groups', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const { from, to } = seedThreeHours(h, 4);
  const s = (await h.app.inject({ url: '/api/summary', query: { from: from.toISOString(), to: to.toISOString() } })).json();
  t.is(s.passersBy, 4, 'totals are not a breakdown and stay visible');
  t.deepEqual(s.byAgeGender, [], 'four people cannot be split into groups of at least five');
  t.deepEqual(s.byContent, []);
});

test('/api/timeseries: hourly buckets, with and without a breakdown', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const { visits, from, to } = seedThreeHours(h, 300);
  const q = { from: from.toISOString(), to: to.toISOString() };
  const total = (await h.app.inject({ url: '/api/timeseries', query: { ...q, bucket: 'hour' } })).json();
  t.is(total.bucket, 'hour');
  t.is(total.by, null);
  t.deepEqual(
    total.buckets.map((b: string) => Date.parse(b)),
    [0, 1, 2].map((i) => from.getTime() + i * 3_600_000),
  );
  t.is(total.series.length, 1);
  t.deepEqual(total.series[0].passersBy, [100, 100, 100]);
  t.is(sum(total.series[0].watchers), visits.filter((v) => v.watcher).length);

  const byGender = (await h.app.inject({ url: '/api/timeseries', query: { ...q, bucket: 'hour', by: 'gender' } })).json();
  t.is(byGender.by, 'gender');
  for (let i = 0; i < 3; i++) {
    const cells = byGender.series.map((s: { key: string; passersBy: number[] }) => [s.key, s.passersBy[i]] as const).filter(([, n]: readonly [string, number]) => n > 0);
    for (const [key, n] of cells) t.true(n >= 5 || key === 'other', `${key}: ${n}`);
    t.is(sum(cells.map(([, n]: readonly [string, number]) => n)), 100);
  }
  const minutes = (await h.app.inject({ url: '/api/timeseries', query: { ...q, bucket: 'minute' } })).json();
  t.is(minutes.buckets.length, 180);
  t.is(sum(minutes.series[0].passersBy), 300);
});

test('/api/export.csv: one row per bucket (and key), spreadsheet-safe, named for the range', async (t) => {
  const h = await harness('device: {id: shop-7}');
  t.teardown(h.close);
  const { from, to } = seedThreeHours(h, 300);
  const q = { from: from.toISOString(), to: to.toISOString(), bucket: 'hour' };
  const res = await h.app.inject({ url: '/api/export.csv', query: q });
  t.is(res.statusCode, 200);
  t.is(res.headers['content-type'], 'text/csv; charset=utf-8');
  t.regex(String(res.headers['content-disposition']), /^attachment; filename="glance-shop-7-\d{8}T\d{4}-\d{8}T\d{4}-hour\.csv"$/);
  const lines = res.body.trimEnd().split('\r\n');
  t.is(lines[0], 'bucket_start,passers_by,watchers,conversion,attention_s,dwell_s');
  t.is(lines.length, 4);
  t.is(sum(lines.slice(1).map((l) => Number(l.split(',')[1]))), 300);

  const byContent = (await h.app.inject({ url: '/api/export.csv', query: { ...q, by: 'content' } })).body.trimEnd().split('\r\n');
  t.is(byContent[0], 'bucket_start,content,passers_by,watchers,conversion,attention_s,dwell_s');
  t.is(byContent.length, 1 + 3 * 3);
  t.true(byContent.slice(1).every((l) => /^[^,]+,(spring-sale|new-arrivals|loyalty-card|other),\d+,/.test(l)));
  // Per minute there is no breakdown (a minute is not a whole hour): the file has its header only.
  const perMinute = (await h.app.inject({ url: '/api/export.csv', query: { ...q, bucket: 'minute', by: 'gender' } })).body.trimEnd().split('\r\n');
  t.deepEqual(perMinute, ['bucket_start,gender,passers_by,watchers,conversion,attention_s,dwell_s']);
});

test('bad input loses no stored data: a rejected query leaves the store as it was', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const { from, to } = seedThreeHours(h, 50);
  for (const url of ['/api/summary?from=2025-02-30', '/api/timeseries?bucket=week', "/api/export.csv?from=2025-01-01'--"]) {
    t.is((await h.app.inject(url)).statusCode, 400, url);
  }
  const s = (await h.app.inject({ url: '/api/summary', query: { from: from.toISOString(), to: to.toISOString() } })).json();
  t.is(s.passersBy, 50);
});
