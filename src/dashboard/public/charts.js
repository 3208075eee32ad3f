// Charts (uPlot, bundled from npm and served by the daemon). Colours come from the CSS variables,
// so light and dark themes need no second palette.

import { withAlpha } from './live.js';
import { percent } from './format.js';

const uPlot = window.uPlot;

export const EMOTION_COLORS = {
  happy: '#f59e0b',
  neutral: '#94a3b8',
  surprise: '#06b6d4',
  sad: '#3b82f6',
  angry: '#ef4444',
  fear: '#8b5cf6',
  disgust: '#84cc16',
  unknown: '#cbd5e1',
  uncertain: '#cbd5e1',
  other: '#e2e8f0',
};
const EMOTION_ORDER = ['happy', 'neutral', 'surprise', 'sad', 'angry', 'fear', 'disgust', 'uncertain', 'unknown', 'other'];
const BUCKET_S = { minute: 60, hour: 3600, day: 86400 };

function theme() {
  const css = getComputedStyle(document.documentElement);
  const v = (n) => css.getPropertyValue(n).trim();
  return { ink: v('--ink'), muted: v('--muted'), line: v('--line'), pass: v('--pass'), watch: v('--watch') };
}

function axes(t, yValues) {
  const base = { stroke: t.muted, grid: { stroke: t.line, width: 1 }, ticks: { stroke: t.line, width: 1 }, font: '12px system-ui, sans-serif' };
  return [base, { ...base, size: 48, ...(yValues ? { values: yValues } : {}) }];
}

/** A chart that follows its container's width and rebuilds itself when the colour scheme flips. */
class Chart {
  constructor(container, height) {
    this.container = container;
    this.height = height;
    this.plot = null;
    this.lastArgs = null;
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: this.height })).observe(container);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.lastArgs && this.render(...this.lastArgs));
  }

  width() {
    return Math.max(200, this.container.clientWidth);
  }

  replace(opts, data) {
    this.plot?.destroy();
    this.plot = new uPlot({ width: this.width(), height: this.height, ...opts }, data, this.container);
  }
}

/**
 * Passers-by as wide bars with watchers as narrower bars inside them: watchers are a subset of
 * passers-by, so the inner bar reads directly as conversion.
 */
export class TrafficChart extends Chart {
  render(ts) {
    this.lastArgs = [ts];
    const t = theme();
    const total = ts.series[0] ?? { passersBy: [], watchers: [] };
    const half = BUCKET_S[ts.bucket] / 2;
    const x = ts.buckets.map((b) => Date.parse(b) / 1000 + half);
    const pass = total.passersBy;
    const watch = total.watchers;
    const bars = uPlot.paths.bars;
    this.replace(
      {
        scales: { x: { time: true, range: () => xRange(ts) }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
        axes: axes(t),
        legend: { live: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        series: [
          {},
          { label: 'Passers-by', stroke: t.pass, fill: withAlpha(t.pass, 0.35), width: 0, paths: bars({ size: [0.8, 48], gap: 1 }), points: { show: false } },
          { label: 'Watchers', stroke: t.watch, fill: withAlpha(t.watch, 0.85), width: 0, paths: bars({ size: [0.45, 28], gap: 1 }), points: { show: false } },
        ],
      },
      [x, pass, watch],
    );
    const points = pass.filter((v) => v > 0).length;
    this.container.dataset.points = String(points);
    return points;
  }
}

/** 100 % stacked bars of the dominant emotion of passers-by, per bucket. */
export class EmotionChart extends Chart {
  render(ts) {
    this.lastArgs = [ts];
    const t = theme();
    const half = BUCKET_S[ts.bucket] / 2;
    const x = ts.buckets.map((b) => Date.parse(b) / 1000 + half);
    const series = [...ts.series].sort((a, b) => rank(a.key) - rank(b.key));
    const totals = x.map((_, i) => series.reduce((s, e) => s + (e.passersBy[i] ?? 0), 0));
    const shares = series.map((e) => e.passersBy.map((v, i) => (totals[i] > 0 ? (v ?? 0) / totals[i] : null)));
    // Cumulative tops, drawn tallest first so each later bar paints its band over the earlier one.
    const tops = shares.map((_, k) => x.map((__, i) => (totals[i] > 0 ? shares.slice(k).reduce((s, sh) => s + (sh[i] ?? 0), 0) : null)));
    const bars = uPlot.paths.bars;
    this.replace(
      {
        scales: { x: { time: true, range: () => xRange(ts) }, y: { range: [0, 1] } },
        legend: { live: false },
        axes: axes(t, (_u, vals) => vals.map((v) => `${Math.round(v * 100)}%`)),
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        series: [
          {},
          ...series.map((e, k) => ({
            label: e.key,
            stroke: EMOTION_COLORS[e.key] ?? t.muted,
            fill: EMOTION_COLORS[e.key] ?? t.muted,
            width: 0,
            paths: bars({ size: [0.8, 48], gap: 1 }),
            points: { show: false },
            value: (_u, _v, _s, i) => (i == null || shares[k][i] == null ? '–' : percent(shares[k][i])),
          })),
        ],
      },
      [x, ...tops],
    );
    const points = totals.filter((v) => v > 0).length;
    this.container.dataset.points = String(points);
    return points;
  }
}

/**
 * The x axis spans the asked range, widened to the end of the last bucket: the bucket in progress
 * (this hour, with today's figures) is drawn whole instead of cut off at "now".
 */
function xRange(ts) {
  const last = ts.buckets.length > 0 ? Date.parse(ts.buckets[ts.buckets.length - 1]) / 1000 + BUCKET_S[ts.bucket] : 0;
  return [Date.parse(ts.from) / 1000, Math.max(Date.parse(ts.to) / 1000, last)];
}

function rank(key) {
  const i = EMOTION_ORDER.indexOf(key);
  return i === -1 ? EMOTION_ORDER.length : i;
}
