// Dashboard entry point: login if needed, then live stream plus periodic refresh of today's numbers.

import { AuthRequired, getJson, login, logout } from './api.js';
import { EmotionChart, TrafficChart } from './charts.js';
import { startOfToday } from './format.js';
import { LiveView } from './live.js';
import { renderAgeGender, renderBreakdownSpan, renderContent, renderHealth, renderKpis, renderPrivacy } from './panels.js';

const $ = (id) => document.getElementById(id);
// Today's figures include the minute in progress (partial), so a short period keeps them current.
const SUMMARY_EVERY_MS = 10_000;
const HEALTH_EVERY_MS = 5_000;

const live = new LiveView({
  canvas: $('live-canvas'),
  countEl: $('live-count'),
  watchingEl: $('live-watching'),
  fpsEl: $('live-fps'),
  labelEl: $('live-people-label'),
  stateEl: $('conn-state'),
});
const traffic = new TrafficChart($('traffic-chart'), 240);
const emotion = new EmotionChart($('emotion-chart'), 220);
let info = null;
let trafficRange = 'today';
const timers = [];

function trafficQuery() {
  const to = new Date();
  if (trafficRange === 'hour') return { from: new Date(to.getTime() - 3_600_000).toISOString(), to: to.toISOString(), bucket: 'minute' };
  if (trafficRange === 'week') {
    const from = startOfToday();
    from.setDate(from.getDate() - 6);
    return { from: from.toISOString(), to: to.toISOString(), bucket: 'day' };
  }
  return { from: startOfToday().toISOString(), to: to.toISOString(), bucket: 'hour' };
}

async function refreshTraffic() {
  const ts = await getJson('/api/timeseries', trafficQuery());
  $('traffic-empty').hidden = traffic.render(ts) > 0;
}

async function refreshToday() {
  const today = { from: startOfToday().toISOString(), to: new Date().toISOString() };
  const [summary, hourly] = await Promise.all([getJson('/api/summary', today), getJson('/api/timeseries', { ...today, bucket: 'hour' })]);
  renderKpis(summary, hourly);
  // Breakdowns come for whole closed periods only (the hour in progress has totals only).
  renderBreakdownSpan(summary);
  renderAgeGender(summary.byAgeGender);
  renderContent(summary.byContent);
  $('export-link').href = `/api/export.csv?${new URLSearchParams({ ...today, bucket: 'hour' })}`;
  if (info?.privacy.emotion) {
    // An hourly bucket shorter than the period would carry no breakdown: use days then.
    const bucket = summary.breakdownPeriodS > 3600 ? 'day' : 'hour';
    const mix = await getJson('/api/timeseries', { ...today, bucket, by: 'emotion' });
    $('emotion-empty').hidden = emotion.render(mix) > 0;
  }
  await refreshTraffic();
}

async function refreshHealth() {
  renderHealth(await getJson('/api/health'), live.last?.fps);
}

/** Runs fn now and every ms; a failure is shown once in the console and retried next time. */
function every(ms, fn) {
  const run = () =>
    fn().catch((err) => {
      if (err instanceof AuthRequired) return showLogin();
      console.warn(err.message);
    });
  timers.push(setInterval(run, ms));
  return run();
}

async function start() {
  info = await getJson('/api/info');
  renderPrivacy(info);
  $('logout').hidden = !info.auth;
  live.connect();
  await Promise.all([every(SUMMARY_EVERY_MS, refreshToday), every(HEALTH_EVERY_MS, refreshHealth)]);
}

function showLogin() {
  timers.splice(0).forEach(clearInterval);
  live.source?.close();
  $('login').hidden = false;
  $('login-token').focus();
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const result = await login($('login-token').value);
  if (!result.ok) {
    $('login-error').textContent = result.message;
    return;
  }
  $('login-token').value = '';
  $('login-error').textContent = '';
  $('login').hidden = true;
  boot();
});

$('logout').addEventListener('click', async () => {
  await logout();
  showLogin();
});

for (const button of document.querySelectorAll('[data-range]')) {
  button.addEventListener('click', () => {
    trafficRange = button.dataset.range;
    for (const b of document.querySelectorAll('[data-range]')) b.setAttribute('aria-pressed', String(b === button));
    refreshTraffic().catch((err) => console.warn(err.message));
  });
}

function tick() {
  $('clock').textContent = new Date().toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
tick();
setInterval(tick, 10_000);

async function boot() {
  const session = await getJson('/api/session');
  if (session.authRequired && !session.authenticated) return showLogin();
  try {
    await start();
  } catch (err) {
    if (err instanceof AuthRequired) showLogin();
    else console.warn(err.message);
  }
}
boot();
