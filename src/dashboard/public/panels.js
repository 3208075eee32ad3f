// The non-chart panels: today's KPIs, age × gender bars, per-content table, device health, privacy.

import { bytes, count, duration, el, hourRange, hourStart, percent, periodLabel, seconds } from './format.js';

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
  const at = new Date().toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  $('today-updated').textContent = summary.partial ? `updated ${at} · current minute still counting` : `updated ${at}`;
}

/**
 * Breakdowns (age × gender, emotion, content) cover only the whole closed periods of the day so far
 * (the server's breakdownFrom/breakdownTo): say which, so that they are not read as "today".
 */
export function renderBreakdownSpan(summary) {
  const period = periodLabel(summary.breakdownPeriodS);
  const time = (iso) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const span = summary.breakdownFrom ? `${time(summary.breakdownFrom)}–${time(summary.breakdownTo)}` : 'no period closed yet';
  const text = `closed ${period} periods today: ${span}`;
  $('agegender-span').textContent = text;
  $('content-span').textContent = text;
  $('emotion-span').textContent = `share of passers-by, ${text}`;
  $('privacy-period').textContent = period;
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
    box.append(el('div', 'bar-label', BAND_LABEL[band] ?? band), track, el('div', 'bar-total', count(v.female + v.male + v.unknown)));
  }
  $('agegender-empty').hidden = bands.length > 0;
}

/** "0-17" < "18-24" < … < "65+" < "unknown" < "other" (cells merged for k-anonymity). */
function bandOrder(a, b) {
  const n = (s) => (s === 'other' ? 1e6 : s === 'unknown' ? 1e5 : Number.isNaN(parseInt(s, 10)) ? 1e4 : parseInt(s, 10));
  return n(a) - n(b) || a.localeCompare(b);
}

const BAND_LABEL = { unknown: 'age ?', other: 'others' };

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
      el('td', r.contentId === 'other' ? 'muted' : '', r.contentId === null ? '(no content)' : r.contentId === 'other' ? 'others (small groups)' : r.contentId),
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
  if (!obj || typeof obj !== 'object') return undefined;
  for (const p of paths) {
    const v = p.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

const CAPTURE_CLASS = { streaming: 'ok', starting: 'warn', stalled: 'warn', backoff: 'warn', idle: 'warn', failed: 'bad', ended: 'warn', stopped: 'warn' };

/**
 * Device health from /api/health. Probes belong to other stages (capture, inference, MQTT), so each
 * row reads the first field present and shows a dash rather than failing when a stage is absent.
 */
export function renderHealth(h, liveFps) {
  const list = $('health-list');
  const rows = [];
  const add = (label, value, cls = '') => rows.push([label, value, cls]);
  const probes = h.probes ?? h;

  const capture = pick(probes, 'capture.state');
  add('Capture', capture ?? 'not running', capture === undefined ? 'warn' : (CAPTURE_CLASS[capture] ?? ''));
  const source = pick(probes, 'capture.source');
  if (source !== undefined) add('Source', String(source));
  const captureFps = pick(probes, 'capture.fps');
  const inferFps = pick(probes, 'inference.fps') ?? liveFps;
  add('Frame rate', [captureFps, inferFps].every(Number.isFinite) ? `${captureFps.toFixed(1)} captured · ${inferFps.toFixed(1)} analysed` : Number.isFinite(inferFps) ? `${inferFps.toFixed(1)} fps` : '–');
  const dropped = pick(probes, 'capture.dropped', 'inference.dropped');
  const captured = pick(probes, 'capture.captured');
  add('Dropped frames', dropped === undefined ? '–' : captured ? `${count(dropped)} of ${count(captured)} (${percent(dropped / captured)})` : count(dropped));
  const providers = pick(probes, 'inference.providers');
  const providerText = providers === undefined ? undefined : Array.isArray(providers) ? providers.join(', ') : typeof providers === 'object' ? [...new Set(Object.values(providers))].join(', ') : String(providers);
  add('Inference', providerText || 'not running', providerText ? '' : 'warn');
  const ms = pick(probes, 'inference.ms');
  if (ms && typeof ms === 'object') {
    const p50 = Object.values(ms).reduce((sum, m) => sum + (m?.p50 ?? 0), 0);
    if (p50 > 0) add('Inference time', `${p50.toFixed(1)} ms / frame (median)`);
  }
  const cpu = pick(h, 'cpu_percent');
  add('CPU (Glance)', Number.isFinite(cpu) ? `${cpu.toFixed(0)} %` : '–');
  add('Memory (RSS)', bytes(pick(h, 'rss_bytes')));
  const temp = pick(h, 'temperature_c');
  add('Temperature', Number.isFinite(temp) ? `${temp.toFixed(0)} °C` : 'no sensor', temp >= 80 ? 'bad' : temp >= 70 ? 'warn' : '');
  const disk = pick(h, 'disk_free_bytes');
  const store = pick(probes, 'store');
  if (store) {
    const last = store.lastClosedMinute ? new Date(store.lastClosedMinute).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : 'none yet';
    add('Database', store.open === false ? 'closed' : `${bytes(store.sizeBytes)} · last minute ${last}`, store.open === false || store.writeErrors > 0 ? 'bad' : '');
  }
  if (Number.isFinite(disk)) add('Disk free', bytes(disk), disk < 500 * 1024 * 1024 ? 'warn' : '');
  const mqtt = pick(h, 'mqtt');
  const enabled = mqtt?.enabled !== false;
  const connected = pick(mqtt, 'connected');
  const broker = pick(mqtt, 'broker');
  add('MQTT broker', !enabled || mqtt === undefined ? 'off' : `${connected ? 'connected' : 'disconnected'}${broker ? ` · ${broker}` : ''}`, !enabled ? '' : connected ? 'ok' : 'warn');
  const outbox = pick(h, 'outbox_depth') ?? pick(mqtt, 'outbox_depth');
  if (enabled && Number.isFinite(outbox)) add('Outbox', `${count(outbox)} waiting`, outbox > 1000 ? 'warn' : '');
  const content = pick(h, 'content_id');
  add('Content playing', content ?? 'none reported');

  list.replaceChildren(...rows.flatMap(([label, value, cls]) => [el('dt', '', label), el('dd', cls, String(value))]));
  $('health-uptime').textContent = `up ${duration(h.uptime_s)}`;
}

export function renderPrivacy(info) {
  const p = info.privacy;
  $('privacy-emotion').hidden = !p.emotion;
  $('privacy-emotion-group').hidden = !p.emotion;
  $('emotion-card').hidden = !p.emotion;
  // Without the emotion chart, age × gender takes the whole row instead of leaving a hole beside it.
  $('agegender-card').classList.toggle('wide', !p.emotion);
  $('privacy-k').textContent = String(p.kAnonymity);
  $('privacy-retention').textContent = String(p.retentionDays);
  $('privacy-regions').textContent =
    (p.ignoreRegions > 0 ? `${p.ignoreRegions} masked region(s) of the camera view are ignored. ` : '') + (p.minFaceSize > 0 ? `Faces smaller than ${p.minFaceSize} px are counted but not analysed.` : '');
  $('device-name').textContent = info.device.name;
  $('device-place').textContent = info.device.location;
  document.title = `${info.device.name} · Glance`;
}
