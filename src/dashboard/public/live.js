// Live presence view: people in view now, drawn as boxes on an empty canvas from /api/live
// coordinates. There is no camera image anywhere in this page, by design.

import { count } from './format.js';

const STALE_MS = 5000;

export class LiveView {
  constructor({ canvas, countEl, watchingEl, fpsEl, labelEl, stateEl }) {
    Object.assign(this, { canvas, countEl, watchingEl, fpsEl, labelEl, stateEl });
    this.last = null;
    this.lastAt = 0;
    this.source = null;
    new ResizeObserver(() => this.draw()).observe(canvas);
    setInterval(() => this.checkStale(), 1000);
  }

  connect() {
    this.source?.close();
    const source = new EventSource('/api/live');
    this.source = source;
    source.addEventListener('live', (e) => this.onMessage(JSON.parse(e.data)));
    source.addEventListener('open', () => this.setState(this.last ? 'live' : 'waiting'));
    source.addEventListener('error', () => {
      this.setState('offline');
      // A non-200 answer (401, 503) closes an EventSource for good: try again ourselves.
      if (source.readyState === EventSource.CLOSED) setTimeout(() => this.source === source && this.connect(), 5000);
    });
  }

  onMessage(msg) {
    this.last = msg;
    this.lastAt = Date.now();
    this.countEl.textContent = count(msg.count);
    this.labelEl.textContent = msg.count === 1 ? 'person' : 'people';
    this.watchingEl.textContent = count(msg.watching);
    this.fpsEl.textContent = `${msg.fps.toFixed(1)} fps`;
    this.setState('live');
    this.draw();
  }

  checkStale() {
    if (this.last && Date.now() - this.lastAt > STALE_MS && this.stateEl.dataset.state === 'live') this.setState('stale');
  }

  setState(state) {
    const text = { live: 'live', stale: 'no live data', offline: 'offline', waiting: 'waiting for camera', connecting: 'connecting…' };
    this.stateEl.dataset.state = state;
    this.stateEl.textContent = text[state] ?? state;
  }

  draw() {
    const { canvas } = this;
    const css = getComputedStyle(document.documentElement);
    const v = (name) => css.getPropertyValue(name).trim();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) Object.assign(canvas, { width: w, height: h });
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = v('--canvas-bg');
    ctx.fillRect(0, 0, w, h);

    // A faint floor grid, so an empty view still reads as "the camera's field", not a broken image.
    ctx.strokeStyle = v('--canvas-grid');
    ctx.lineWidth = 1;
    const step = Math.max(24, Math.round(w / 16));
    for (let x = step; x < w; x += step) line(ctx, x, 0, x, h);
    for (let y = step; y < h; y += step) line(ctx, 0, y, w, y);

    const msg = this.last;
    if (!msg?.width || !msg.height) return;
    // Fit the frame into the canvas, letterboxed, keeping its aspect ratio.
    const scale = Math.min(w / msg.width, h / msg.height);
    const ox = (w - msg.width * scale) / 2;
    const oy = (h - msg.height * scale) / 2;
    const watch = v('--watch');
    const pass = v('--pass');
    for (const p of msg.people) {
      const x = ox + p.x * scale;
      const y = oy + p.y * scale;
      const bw = p.w * scale;
      const bh = p.h * scale;
      const color = p.watching ? watch : pass;
      // Head-and-shoulders silhouette under the face box gives the box a human scale.
      ctx.fillStyle = withAlpha(color, 0.16);
      ctx.beginPath();
      ctx.ellipse(x + bw / 2, y + bh * 2.1, bw * 0.95, bh * 0.9, 0, Math.PI, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = withAlpha(color, 0.22);
      roundRect(ctx, x, y, bw, bh, Math.min(bw, bh) * 0.2);
      ctx.fill();
      ctx.strokeStyle = color;
      ctx.lineWidth = Math.max(2, 2 * dpr);
      ctx.stroke();
      if (p.watching) {
        ctx.fillStyle = color;
        ctx.font = `${Math.round(11 * dpr)}px system-ui, sans-serif`;
        ctx.fillText('watching', x, Math.max(12 * dpr, y - 6 * dpr));
      }
    }
  }
}

function line(ctx, x1, y1, x2, y2) {
  ctx.beginPath();
  ctx.moveTo(x1 + 0.5, y1 + 0.5);
  ctx.lineTo(x2 + 0.5, y2 + 0.5);
  ctx.stroke();
}

function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

/** '#4f46e5' or 'rgb(…)' → rgba with alpha. */
export function withAlpha(color, alpha) {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  return color;
}
