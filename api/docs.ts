/** Human-readable API docs: Swagger UI served from the local swagger-ui-dist package (works offline). */
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type Router from '@koa/router';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png']);

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signoff API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="alternate" type="application/json" href="/openapi.json"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body></html>`;

// A file of its own, not an inline script, so the Content-Security-Policy can say script-src 'self'.
const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true, persistAuthorization: true });\n`;

export function mountDocs(router: Router) {
  const root = getAbsoluteFSPath();
  router.get('/docs/assets/init.js', (ctx) => {
    ctx.type = 'js';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = init;
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html';
    ctx.body = page;
  });
  router.get('/docs/assets/:file', async (ctx) => {
    const file = ctx.params.file;
    if (!ASSETS.has(file)) return; // falls through to the 404 problem
    ctx.type = file.split('.').pop()!;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(normalize(join(root, file)));
  });
}
