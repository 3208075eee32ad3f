// The non-chart panels: today's KPIs, age × gender bars, per-content table, device health, privacy.

import { bytes, count, duration, el, hourRange, hourStart, percent, seconds } from './format.js';

const $ = (id) => document.getElementById(id);

export function renderKpis(summary, hourly) {
  $('kpi-passers').textContent = count(summary.passersBy);
  $('kpi-watchers').textContent = count(summary.watchers);
  $('kpi-conversion').textContent = percent(summary.conversion);
  $('kpi-attention').textContent = seconds(summary.attention?.meanS);
  $('kpi-dwell').textContent = seconds(summary.dwell?.meanS);
  $('kpi-attention-note').textContent = `mean per watcher · ${seconds(summary.attention?.totalS)} total`;
  $('kpi-dwell-note').textContent = `mean per passer-by · ${seconds(summary.dwell?.totalS)} total`;
  const total = hourly?.series[0];
  let peak = -1;
  let peakAt = null;
  total?.passersBy.forEach((v, i) => {
    if (v > peak) [peak, peakAt] = [v, hourly.buckets[i]];
  });
  $('kpi-peak').textContent = peak > 0 ? hourStart(Date.parse(peakAt)) : '–';
  $('kpi-peak-note').textContent = peak > 0 ? `${hourRange(Date.parse(peakAt))} · ${count(peak)} passers-by` : '';
  $('today-updated').textContent = `updated ${new Date().toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
}

const GENDERS = ['female', 'male', 'unknown'];

export function renderAgeGender(cells) {
  const box = $('agegender-bars');
  const byBand = new Map();
  for (const c of cells ?? []) {
    const g = GENDERS.includes(c.gender) ? c.gender : 'unknown';
    const band = byBand.get(c.ageBand) ?? { female: 0, male: 0, unknown: 0 };
    band[g] += c.passersBy;
    byBand.set(c.ageBand, band);
  }
  const bands = [...byBand.keys()].sort(bandOrder);
  const max = Math.max(1, ...[...byBand.values()].map((b) => b.female + b.male + b.unknown));
  box.replaceChildren();
  for (const band of bands) {
    const v = byBand.get(band);
    const track = el('div', 'bar-track');
    for (const g of GENDERS) {
      if (v[g] <= 0) continue;
      const bar = el('div', `bar ${g}`);
      bar.style.width = `${(v[g] / max) * 100}%`;
      bar.title = `${band}, ${g}: ${count(v[g])}`;
      track.append(bar);
    }
    box.append(el('div', 'bar-label', band === 'unknown' ? 'age ?' : band), track, el('div', 'bar-total', count(v.female + v.male + v.unknown)));
  }
  $('agegender-empty').hidden = bands.length > 0;
}

/** "0-17" < "18-24" < … < "65+" < "unknown". */
function bandOrder(a, b) {
  const n = (s) => (s === 'unknown' ? Infinity : parseInt(s, 10));
  return n(a) - n(b) || a.localeCompare(b);
}

export function renderContent(rows) {
  const body = $('content-rows');
  body.replaceChildren();
  const sorted = [...(rows ?? [])].sort((a, b) => b.passersBy - a.passersBy);
  for (const r of sorted) {
    const tr = document.createElement('tr');
    const conv = el('td', 'num', percent(r.conversion));
    const meter = el('span', 'meter');
    const fill = el('span');
    fill.style.width = `${Math.round((r.conversion ?? 0) * 100)}%`;
    meter.append(fill);
    conv.append(meter);
    tr.append(
      el('td', '', r.contentId ?? '(none)'),
      el('td', 'num', count(r.passersBy)),
      el('td', 'num', count(r.watchers)),
      conv,
      el('td', 'num', seconds(r.attentionMeanS)),
      el('td', 'num', seconds(r.dwellMeanS)),
    );
    body.append(tr);
  }
  $('content-empty').hidden = sorted.length > 0;
}

/** Reads the first present path: probes are owned by other stages and may name fields differently. */
function pick(obj, ...paths) {
  for (const p of paths) {
    const v = p.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

export function renderHealth(h, liveFps) {
  const list = $('health-list');
  const rows = [];
  const add = (label, value, cls = '') => rows.push([label, value, cls]);

  const capture = pick(h, 'capture.state', 'capture.status');
  add('Capture', capture ?? 'not running', capture === undefined ? 'warn' : /^(running|streaming|ok|up|capturing)$/i.test(String(capture)) ? 'ok' : 'warn');
  const source = pick(h, 'capture.source');
  if (source !== undefined) add('Source', String(source));
  const fps = pick(h, 'capture.fps', 'inference.fps', 'audience.fps') ?? liveFps;
  add('Frame rate', Number.isFinite(fps) ? `${Number(fps).toFixed(1)} fps` : '–');
  const dropped = pick(h, 'capture.dropped', 'capture.drops', 'capture.framesDropped', 'inference.dropped');
  const offered = pick(h, 'capture.frames', 'capture.offered', 'capture.framesCaptured');
  add('Dropped frames', dropped === undefined ? '–' : offered ? `${count(dropped)} of ${count(offered)}` : count(dropped));
  const providers = pick(h, 'inference.providers', 'inference.provider', 'inference.executionProviders');
  add('Inference', providers === undefined ? 'not running' : Array.isArray(providers) ? providers.join(', ') : String(providers), providers === undefined ? 'warn' : '');
  const latency = pick(h, 'inference.latencyMs.total', 'inference.latencyMs', 'inference.meanMs');
  if (typeof latency === 'number') add('Inference time', `${latency.toFixed(1)} ms / frame`);
  const cpu = pick(h, 'system.cpuPercent');
  add('CPU (this process)', cpu === undefined ? '–' : `${cpu.toFixed(0)} %`, cpu > 180 ? 'warn' : '');
  add('Memory (RSS)', bytes(pick(h, 'system.rssBytes')));
  const temp = pick(h, 'system.temperatureC');
  add('Temperature', temp === undefined ? 'no sensor' : `${temp.toFixed(0)} °C`, temp >= 80 ? 'bad' : temp >= 70 ? 'warn' : '');
  const broker = pick(h, 'mqtt.state', 'mqtt.status', 'mqtt.connected');
  add('MQTT broker', broker === undefined ? 'off' : broker === true ? 'connected' : broker === false ? 'disconnected' : String(broker),
    broker === true || /^(connected|ok|up)$/i.test(String(broker)) ? 'ok' : broker === undefined ? '' : 'warn');
  const outbox = pick(h, 'mqtt.outbox', 'mqtt.outboxDepth', 'mqtt.outbox.depth', 'mqtt.queued');
  if (outbox !== undefined) add('Outbox', `${count(outbox)} waiting`, outbox > 1000 ? 'warn' : '');

  list.replaceChildren(...rows.flatMap(([label, value, cls]) => [el('dt', '', label), el('dd', cls, String(value))]));
  $('health-uptime').textContent = `up ${duration(h.uptime_s)}`;
}

export function renderPrivacy(info) {
  const p = info.privacy;
  $('privacy-emotion').hidden = !p.emotion;
  $('privacy-emotion-group').hidden = !p.emotion;
  $('emotion-card').hidden = !p.emotion;
  $('privacy-k').textContent = String(p.kAnonymity);
  $('privacy-retention').textContent = String(p.retentionDays);
  $('privacy-regions').textContent =
    (p.ignoreRegions > 0 ? `${p.ignoreRegions} masked region(s) of the camera view are ignored. ` : '') +
    (p.minFaceSize > 0 ? `Faces smaller than ${p.minFaceSize} px are counted but not analysed.` : '');
  $('device-name').textContent = info.device.name;
  $('device-place').textContent = info.device.location;
  document.title = `${info.device.name} · Glance`;
}
