import test from 'ava';
import { startDaemon } from './daemon.ts';
import { sleep } from '../test/helpers/wait.ts';

const K = 2;

type Cells = Map<string, number>;

/** Today's breakdowns as a hostile client sees them: one map per table, key → passers-by. */
async function poll(url: string): Promise<{ passersBy: number; tables: Map<string, Cells> }> {
  const from = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000).toISOString();
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return res.json();
  };
  const s = await get(`/api/summary?from=${from}`);
  const ts = await get(`/api/timeseries?from=${from}&bucket=hour&by=age_band`);
  const tables = new Map<string, Cells>([
    ['age×gender', new Map(s.byAgeGender.map((c: { ageBand: string; gender: string; passersBy: number }) => [`${c.ageBand}/${c.gender}`, c.passersBy]))],
    ['content', new Map(s.byContent.map((c: { contentId: string | null; passersBy: number }) => [String(c.contentId), c.passersBy]))],
  ]);
  ts.series.forEach((series: { key: string; passersBy: number[] }) =>
    series.passersBy.forEach((n, i) => {
      const table = `age band ${ts.buckets[i]}`;
      if (!tables.has(table)) tables.set(table, new Map());
      if (n > 0) tables.get(table)!.set(series.key, n);
    }),
  );
  return { passersBy: s.passersBy, tables };
}

/**
 * The live attack of issue 18: a client on the shop network polls today's figures once a second
 * while people pass. Each poll's breakdowns must differ from the previous one by 0 or at least k
 * people in every cell (a closed period joining), never by the one visitor who just left, whose age
 * band and gender that difference would reveal. Before the fix, open minutes were k-anonymised into
 * every answer, so a visitor joining a visible cell showed up as a difference of 1.
 */
test('polling /api/summary and /api/timeseries once a second never isolates a visitor', async (t) => {
  t.timeout(200_000);
  const d = await startDaemon(t, `capture: { source: demo, fps: 3, slideMs: 3000 }\nmqtt: { enabled: false }\ndashboard: { port: 0 }\nprivacy: { kAnonymity: ${K} }`);
  let previous = await poll(d.url);
  let polls = 1;
  const started = Date.now();
  // 40 s and enough visits that, before the fix, cells grew and regrouped between polls.
  while ((polls < 40 || previous.passersBy < 4 * K) && Date.now() - started < 120_000) {
    await sleep(1000);
    const next = await poll(d.url);
    polls++;
    for (const [table, cells] of next.tables) {
      const before = previous.tables.get(table) ?? new Map<string, number>();
      for (const key of new Set([...before.keys(), ...cells.keys()])) {
        const diff = (cells.get(key) ?? 0) - (before.get(key) ?? 0);
        t.true(diff === 0 || diff >= K, `poll ${polls}: ${table} ${key} went ${before.get(key) ?? 0} → ${cells.get(key) ?? 0}`);
      }
    }
    previous = next;
  }
  t.true(previous.passersBy >= 4 * K, `${previous.passersBy} visits counted while polling`);
  const exit = await d.stop();
  t.is(exit.code, 0);
  console.log(`${polls} polls, one a second, over ${Math.round((Date.now() - started) / 1000)} s: ${previous.passersBy} visits, no difference of 1..${K - 1} people in any cell`);
});
