import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import type { LiveView } from '../../src/core/types.ts';
import { harness, seedToday } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve('test-output');

if (!existsSync(CHROMIUM)) {
  console.log(`skipping the dashboard browser test: ${CHROMIUM} is not installed (Debian package "chromium")`);
}
const browserTest = existsSync(CHROMIUM) ? test : test.skip;

/** People walking across the view: some look at the screen, one does not. */
function liveView(tick: number): LiveView {
  const people = [0, 1, 2].map((i) => ({
    box: { x: 60 + ((tick * (6 + i * 3) + i * 180) % 520), y: 70 + i * 40 + 10 * Math.sin(tick / 5 + i), width: 56 - i * 8, height: 66 - i * 9 },
    watching: i !== 1,
  }));
  return { wallMs: Date.now(), width: 640, height: 360, fps: 14.6, people };
}

async function launch(t: import('ava').ExecutionContext): Promise<BrowserContext> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'glance-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1180, height: 820 },
    deviceScaleFactor: 1,
  });
  t.teardown(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return context;
}

browserTest('the dashboard page loads without console errors and shows live and chart data', async (t) => {
  const h = await harness('device: {name: "Window display", location: "High Street store", operatorContact: "shop@example.com"}');
  t.teardown(h.close);
  await seedToday(h);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (h.app.server.address() as { port: number }).port;

  let tick = 0;
  const timer = setInterval(() => h.bus.emit('live', liveView(tick++)), 200);
  t.teardown(() => clearInterval(timer));

  const context = await launch(t);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  // Anything fetched from another origin would be a CDN dependency (and blocked by the CSP anyway).
  page.on('request', (req) => {
    if (!req.url().startsWith(`http://127.0.0.1:${port}/`)) problems.push(`off-origin request: ${req.url()}`);
  });

  const response = await page.goto(`http://127.0.0.1:${port}/`);
  t.is(response?.status(), 200);
  t.truthy(response?.headers()['content-security-policy']);

  await page.waitForFunction(() => Number(document.querySelector('[data-testid=live-count]')?.textContent) > 0, undefined, { timeout: 30_000 });
  await page.waitForFunction(() => Number((document.querySelector('[data-testid=traffic-chart]') as HTMLElement | null)?.dataset.points) > 0, undefined, { timeout: 30_000 });
  t.is(await page.locator('#traffic-chart canvas').count(), 1, 'uPlot drew the traffic chart');
  t.regex((await page.textContent('#kpi-passers')) ?? '', /^\d[\d,.\s]*$/);
  t.not(await page.textContent('#kpi-passers'), '0');
  t.is(await page.getAttribute('#conn-state', 'data-state'), 'live');
  // The presence canvas really has boxes on it (not just a blank background).
  const painted = await page.evaluate(() => {
    const c = document.getElementById('live-canvas') as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 16) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return colours.size;
  });
  t.true(painted > 10, `the live canvas shows more than a background (${painted} colours)`);
  await page.waitForFunction(() => (document.getElementById('health-list')?.children.length ?? 0) > 0, undefined, { timeout: 10_000 });

  mkdirSync(OUTPUT, { recursive: true });
  const shot = path.join(OUTPUT, 'dashboard.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.true(statSync(shot).size > 10_000);
  t.deepEqual(problems, []);
});

browserTest('with a token, the page asks for it, rejects a wrong one and then shows the data', async (t) => {
  const h = await harness('dashboard: {host: 0.0.0.0, token: "correct-horse-battery"}');
  t.teardown(h.close);
  seedToday(h, { visits: 60, hours: 1 });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (h.app.server.address() as { port: number }).port;
  const page = (await launch(t)).pages()[0];
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('#login:not([hidden])', { timeout: 10_000 });
  t.is(await page.textContent('#kpi-passers'), '–', 'no data before login');
  await page.fill('#login-token', 'wrong-token-here');
  await page.click('#login-form button[type=submit]');
  await page.waitForFunction(() => (document.getElementById('login-error')?.textContent ?? '') !== '', undefined, { timeout: 10_000 });
  await page.fill('#login-token', 'correct-horse-battery');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#login', { state: 'hidden', timeout: 10_000 });
  await page.waitForFunction(() => document.getElementById('kpi-passers')?.textContent === '60', undefined, { timeout: 15_000 });
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'glance_session');
  t.truthy(session);
  t.true(session!.httpOnly);
  t.is(session!.sameSite, 'Strict');
  t.deepEqual(errors, []);
});
