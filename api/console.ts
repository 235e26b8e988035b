/**
 * The web console (web/, built into web/dist by `npm run build`) served by the API at `/`:
 *  - hashed build assets (`/assets/*-<hash>.js`) are immutable and cached for a year; everything
 *    else, index.html first, is revalidated on every load so a deploy shows up at once;
 *  - any other GET that is not a file becomes index.html (the console's router takes it), but
 *    never a path of the API's own: `/api`, `/docs`, `/health`, `/ready`, `/openapi.json`,
 *    `/metrics`, `/temporal-codec` (the codec sign-in page) always reach their routes (or their 404 problem);
 *  - text files are gzipped once in memory when the client accepts it.
 * Without a build the API runs as before and `/` says how to build the console.
 *
 * Also the console's public bootstrap data (`GET /api/v1/console-config`): what it cannot know
 * by itself, such as where the Temporal UI is.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { Logger } from 'pino';
import { publicRoute, type RouteModule } from './route';

/** Paths the console never answers, so it cannot shadow the API's own. */
export const API_PATHS = ['/api', '/docs', '/health', '/ready', '/openapi.json', '/metrics', '/temporal-codec'] as const;

const isApiPath = (path: string) => API_PATHS.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.map']);

/** web/dist next to the package: `api/` under ts-node/jest, `dist/api/` once compiled. */
export function consoleDir(): string | null {
  for (const candidate of [resolve(__dirname, '../web/dist'), resolve(__dirname, '../../web/dist')]) {
    if (existsSync(resolve(candidate, 'index.html'))) return candidate;
  }
  return null;
}

interface StaticFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  etag: string;
  cacheControl: string;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signoff</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The console is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and reload.
The API is running: <a href="/docs">API docs</a>.</p></body></html>`;

export function serveConsole(log: Logger, dir: string | null = consoleDir()): Middleware {
  if (!dir) log.warn('console not built (web/dist is missing): the API runs without it; `npm run build` builds it');
  const root = dir ? resolve(dir) : null;
  const cache = new Map<string, StaticFile>();

  const load = (file: string): StaticFile | null => {
    let found: StaticFile | null = null;
    try {
      const st = statSync(file);
      const etag = `"${st.size.toString(16)}-${st.mtimeMs.toString(16)}"`;
      // A rebuild while the API runs replaces files: the cached copy is used only while it is the same file.
      const cached = cache.get(file);
      if (cached && cached.etag === etag) return cached;
      if (st.isFile()) {
        const ext = extname(file);
        const body = readFileSync(file);
        const hashed = file.startsWith(`${root}${sep}assets${sep}`);
        found = {
          body,
          gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body, { level: 9 }) : null,
          type: TYPES[ext] ?? 'application/octet-stream',
          etag,
          cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        };
      }
    } catch {
      /* not there */
    }
    // Remember hits only: a file that appears later (a rebuild) is found on the next request.
    if (found) cache.set(file, found);
    return found;
  };

  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || isApiPath(ctx.path)) return next();
    if (!root) {
      if (extname(ctx.path)) return next();
      ctx.type = 'text/html';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = NOT_BUILT;
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    const file = resolve(root, `.${path}`);
    let hit = file.startsWith(`${root}${sep}`) && !path.endsWith('/') ? load(file) : null;
    // A path with an extension that is not in the build is a real 404 (a stale chunk must not get HTML).
    if (!hit && extname(path)) return next();
    hit ??= load(resolve(root, 'index.html'));
    if (!hit) return next();
    ctx.set('Cache-Control', hit.cacheControl);
    ctx.set('ETag', hit.etag);
    ctx.set('Vary', 'Accept-Encoding');
    ctx.type = hit.type;
    if (ctx.get('if-none-match') === hit.etag) {
      ctx.status = 304;
      return;
    }
    if (hit.gzip && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = hit.gzip;
    } else {
      ctx.body = hit.body;
    }
  };
}

export const ConsoleConfig = z.object({
  /** Base URL of the Temporal Web UI (`<url>/namespaces/<ns>/workflows/<workflowId>`), null when unknown. */
  temporalUiUrl: z.string().nullable(),
  temporalNamespace: z.string(),
  version: z.string(),
});
export type ConsoleConfig = z.infer<typeof ConsoleConfig>;

export const consoleConfigModule: RouteModule = {
  prefix: '/api/v1/console-config',
  tag: 'Console',
  routes: [
    publicRoute({
      method: 'get',
      path: '/',
      summary: 'What the web console needs before sign-in (Temporal UI link, namespace, version)',
      auth: false,
      response: ConsoleConfig,
      handler: async ({ rt }) => ({
        temporalUiUrl: rt.config.TEMPORAL_UI_URL?.replace(/\/+$/, '') ?? null,
        temporalNamespace: rt.config.TEMPORAL_NAMESPACE,
        version: process.env.npm_package_version ?? '0.1.0',
      }),
    }),
  ],
};
