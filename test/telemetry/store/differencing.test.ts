import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import type { Store } from '../../../src/telemetry/store/store.ts';
import { openStore, privacy, type tempDir } from './helpers.ts';
import { between, pick, prng, visitStream, type Random } from './visit-stream.ts';

/**
 * Differencing, as a property. Invariant: every breakdown the store answers is a sum of per-period
 * releases (each period of the fixed partition k-anonymised on its own: every released cell has ≥ k
 * people or is absent), and a closed period's release never changes. So for two answers where the
 * second covers at least what the first does (its range contains the first's, asked at the same
 * time or later), the cell-wise difference is itself a sum of whole periods' released cells: for
 * every key it is 0 or at least k. A difference of 1..k-1 people is a group under k, isolated by
 * subtraction (two ranges a minute apart, two polls of the open period, stored vs open minutes).
 *
 * The daemon is simulated in time order: visits arrive as they end, minutes are written after the
 * close delay, and the store's clock is the simulated one, so "the open period" is the real one.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const CLOSE_DELAY_MS = 10_000;
const SEEDS = Array.from({ length: 12 }, (_, i) => 1000 + i * 7919);
const PERIODS = ['15m', '30m', '1h', '1h', '2h', '1d'] as const;
const KS = [2, 3, 5, 5];
const BYS = ['age_band', 'gender', 'emotion', 'content'] as const;

interface Query {
  from: number;
  to: number;
  includeOpen: boolean;
}
/** table → key → passers-by; a table is one breakdown of one bucket ("summary" counts as one bucket). */
type Answer = Map<string, Map<string, number>>;

/** Which breakdowns a pair of answers compares: the summary's two, and one time series. */
interface Tables {
  by: (typeof BYS)[number];
  bucket: 'minute' | 'hour' | 'day';
}

function ask(store: Store, q: Query, tables: Tables): Answer {
  const out: Answer = new Map();
  const put = (table: string, key: string, n: number) => {
    if (n === 0) return;
    let m = out.get(table);
    if (!m) out.set(table, (m = new Map()));
    m.set(key, (m.get(key) ?? 0) + n);
  };
  const s = store.summary(q);
  for (const c of s.byAgeGender) put('summary age×gender', `${c.ageBand}/${c.gender}`, c.passersBy);
  for (const c of s.byContent) put('summary content', String(c.contentId), c.passersBy);
  const { by, bucket } = tables;
  const ts = store.timeseries({ ...q, bucket, by });
  ts.series.forEach((series) => series.passersBy.forEach((n, i) => put(`${by} per ${bucket} ${ts.buckets[i]}`, series.key, n)));
  return out;
}

/** The first cell whose difference (later − earlier) is not 0 and below k (all nonzero ones with k = Infinity). */
function smallDifference(earlier: Answer, later: Answer, k: number): string | undefined {
  for (const table of new Set([...earlier.keys(), ...later.keys()])) {
    const a = earlier.get(table) ?? new Map<string, number>();
    const b = later.get(table) ?? new Map<string, number>();
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      const d = (b.get(key) ?? 0) - (a.get(key) ?? 0);
      if (d !== 0 && d < k) return `${table}, key ${key}: ${a.get(key) ?? 0} → ${b.get(key) ?? 0} (difference ${d}, k = ${k})`;
    }
  }
  return undefined;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const describe = (q: Query) => `[${iso(q.from)}, ${iso(q.to)})${q.includeOpen ? ' with open minutes' : ''}`;
const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;

/** Pairs asked at the same moment: ranges a minute apart, nested ranges, stored-only vs with open minutes. */
function pairsNow(rnd: Random, now: number, start: number, end: number): Array<[Query, Query, string]> {
  const open = rnd() < 0.7;
  const b = floorTo(now, MIN) - between(rnd, 0, 120) * MIN;
  const a = b - between(rnd, 1, 8 * 60) * MIN;
  const a1 = start + between(rnd, 0, (end - start) / MIN) * MIN;
  const b1 = a1 + between(rnd, 1, 36 * 60) * MIN;
  const a2 = a1 - between(rnd, 0, 600) * MIN;
  const b2 = b1 + between(rnd, 0, 600) * MIN;
  const today = { from: floorTo(now, DAY), to: now };
  return [
    [{ from: a, to: b, includeOpen: open }, { from: a, to: b + MIN, includeOpen: open }, 'two ranges a minute apart'],
    [{ from: a + MIN, to: b, includeOpen: open }, { from: a, to: b, includeOpen: open }, 'two ranges a minute apart (start)'],
    [{ from: a1, to: b1, includeOpen: open }, { from: a2, to: b2, includeOpen: open }, 'nested ranges'],
    [{ ...today, includeOpen: false }, { ...today, includeOpen: true }, 'stored minutes vs with the open ones'],
  ];
}

/** Asked now, asked again at the next poll: the open hour/day so far, and a fixed range. */
function pairsLater(rnd: Random, now: number): Array<[Query, (later: number) => Query, string]> {
  const hour = floorTo(now, HOUR);
  const day = floorTo(now, DAY);
  const b = floorTo(now, MIN) + between(rnd, -30, 30) * MIN;
  const a = b - between(rnd, 1, 180) * MIN;
  return [
    [{ from: hour, to: now, includeOpen: true }, (later) => ({ from: hour, to: later, includeOpen: true }), 'two polls of the open hour'],
    [{ from: day, to: now, includeOpen: true }, (later) => ({ from: day, to: later, includeOpen: true }), 'two polls of today'],
    [{ from: a, to: b, includeOpen: true }, () => ({ from: a, to: b, includeOpen: true }), 'the same range polled twice'],
  ];
}

/** A data directory in memory where there is one: thousands of synchronous commits per seed. */
function fastDir(t: Parameters<typeof tempDir>[0]): string {
  const dir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'glance-diff-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function run(t: Parameters<typeof tempDir>[0], seed: number): Promise<{ problem?: string; compared: number; nonzero: number }> {
  const rnd = prng(seed);
  const period = pick(rnd, PERIODS);
  const k = pick(rnd, KS);
  const days = between(rnd, 2, 4);
  const start = Date.UTC(2025, 2, 3) + between(rnd, 0, 6) * DAY;
  const end = start + days * DAY;
  const visits = visitStream(rnd, start, days, between(rnd, 1500, 4000));
  let clock = start;
  const store = await openStore(fastDir(t), privacy(`{ kAnonymity: ${k}, breakdownPeriod: '${period}' }`), () => clock);
  const advance = (to: number) => {
    clock = to;
    store.closeMinutes(to - CLOSE_DELAY_MS - MIN + 1);
  };
  // Polls: many at random, some in bursts seconds apart (a client polling the open period every second).
  const polls: number[] = [];
  for (let i = 0; i < 10; i++) polls.push(start + Math.floor(rnd() * (end - start + 2 * HOUR)));
  for (let i = 0; i < 3; i++) {
    const at = start + Math.floor(rnd() * (end - start));
    for (let s = 0; s < 3; s++) polls.push(at + s * between(rnd, 1, 20) * 1000);
  }
  polls.sort((a, b) => a - b);
  let compared = 0;
  let nonzero = 0;
  let waiting: Array<[Answer, Query, (later: number) => Query, string, number, Tables]> = [];
  const tables = (q: Query): Tables => ({ by: pick(rnd, BYS), bucket: q.to - q.from <= 6 * HOUR && rnd() < 0.4 ? 'minute' : pick(rnd, ['hour', 'day'] as const) });
  const check = (x: Answer, y: Answer, what: string): string | undefined => {
    compared++;
    if (smallDifference(x, y, Infinity) !== undefined) nonzero++;
    const d = smallDifference(x, y, k);
    return d && `seed ${seed} (breakdownPeriod ${period}, k ${k}): ${what}: ${d}`;
  };
  try {
    let v = 0;
    for (const now of polls) {
      for (; v < visits.length && visits[v].endedAt <= now; v++) {
        advance(visits[v].endedAt);
        store.recordFrame({ wallMs: visits[v].endedAt, faces: 1 });
        store.recordVisit(visits[v]);
      }
      advance(now);
      for (const [x, qx, later, what, asked, tx] of waiting) {
        const qy = later(now);
        const problem = check(x, ask(store, qy, tx), `${what}: ${describe(qx)} at ${iso(asked)}, then ${describe(qy)} at ${iso(now)}`);
        if (problem) return { problem, compared, nonzero };
      }
      waiting = pairsLater(rnd, now)
        .filter(([qx]) => qx.from < qx.to)
        .map(([qx, later, what]) => {
          const tx = tables(qx);
          return [ask(store, qx, tx), qx, later, what, now, tx];
        });
      for (const [qx, qy, what] of pairsNow(rnd, now, start, end).filter(([qx]) => qx.from < qx.to)) {
        const tx = tables(qx);
        const problem = check(ask(store, qx, tx), ask(store, qy, tx), `${what}: ${describe(qx)}, then ${describe(qy)}, both at ${iso(now)}`);
        if (problem) return { problem, compared, nonzero };
      }
    }
    return { compared, nonzero };
  } finally {
    store.close();
  }
}

test('differencing: no two answers, nested in range and time, differ by a breakdown cell of 1..k-1 people', async (t) => {
  t.timeout(240_000);
  let compared = 0;
  let nonzero = 0;
  for (const seed of SEEDS) {
    const r = await run(t, seed);
    compared += r.compared;
    nonzero += r.nonzero;
    if (r.problem) return t.fail(r.problem);
  }
  t.log(`${SEEDS.length} seeds, ${compared} pairs of answers compared, ${nonzero} with a nonzero difference`);
  // Not vacuous: many pairs differ, each time by whole periods' cells of at least k.
  t.true(nonzero > compared / 10, `${nonzero} of ${compared} pairs differed`);
});
