import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
const here = (file: string) => new URL(`./public/${file}`, import.meta.url);

/**
 * Every file the page needs, by URL. The table is fixed at build time: each entry becomes its own
 * route, so no part of a request URL ever reaches the filesystem (no traversal, no directory listing)
 * and everything works with no internet. The charting library (uPlot) comes from its npm package.
 */
const TABLE: ReadonlyArray<{ url: string; source: URL | string; type: string }> = [
  { url: '/', source: here('index.html'), type: 'text/html; charset=utf-8' },
  { url: '/assets/style.css', source: here('style.css'), type: 'text/css; charset=utf-8' },
  { url: '/assets/notice.css', source: here('notice.css'), type: 'text/css; charset=utf-8' },
  { url: '/assets/app.js', source: here('app.js'), type: 'text/javascript; charset=utf-8' },
  { url: '/assets/api.js', source: here('api.js'), type: 'text/javascript; charset=utf-8' },
  { url: '/assets/charts.js', source: here('charts.js'), type: 'text/javascript; charset=utf-8' },
  { url: '/assets/live.js', source: here('live.js'), type: 'text/javascript; charset=utf-8' },
  { url: '/assets/panels.js', source: here('panels.js'), type: 'text/javascript; charset=utf-8' },
  { url: '/assets/format.js', source: here('format.js'), type: 'text/javascript; charset=utf-8' },
  { url: '/assets/icon.svg', source: here('icon.svg'), type: 'image/svg+xml' },
  { url: '/assets/uplot.min.js', source: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  { url: '/assets/uplot.min.css', source: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
];

export interface Asset {
  url: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

/** Reads and compresses every asset once; a missing file fails start-up rather than a page load. */
export function loadAssets(): Asset[] {
  return TABLE.map(({ url, source, type }) => {
    const body = readFileSync(source);
    return { url, type, body, gzip: gzipSync(body, { level: 9 }), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
  });
}

export function registerAssets(app: FastifyInstance, assets: Asset[]): void {
  for (const asset of assets) {
    app.get(asset.url, { config: { public: true } }, async (req, reply) => {
      reply
        .header('content-type', asset.type)
        .header('etag', asset.etag)
        .header('vary', 'accept-encoding')
        // Revalidate every time: the ETag makes that a cheap 304, and an upgrade is never masked.
        .header('cache-control', 'no-cache');
      if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        return reply.header('content-encoding', 'gzip').send(asset.gzip);
      }
      return reply.send(asset.body);
    });
  }
}
