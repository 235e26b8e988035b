/**
 * What the Temporal Web UI needs to call the codec endpoint from an operator's browser.
 *
 * The UI runs on its own origin (the dev server's :8233, or the temporal-ui container) and calls
 * `<endpoint>/decode` with fetch. It cannot send our bearer token: its "pass access token" option
 * forwards the UI's own OIDC token, over HTTPS only, and the dev server's UI has no login at all.
 * What it can do is "Include cross-origin credentials", i.e. send cookies. So:
 *  - CORS for the UI's origin only (TEMPORAL_UI_URL; `npm start` sets it to the dev server's UI),
 *    credentials allowed, preflight answered here;
 *  - the codec cookie (set by POST /session for an operator, HttpOnly, SameSite=Strict, path of
 *    the codec endpoint only) stands in for `Authorization` on /decode and /encode, and only when
 *    the request comes from no origin or from an allowed one;
 *  - a small sign-in page (/temporal-codec) that opens that session in the browser.
 * Everything else (who is an operator, auditing) is the ordinary route's business.
 */
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppConfig } from '../../common/config';
import { CODEC_COOKIE, TEMPORAL_CODEC_PREFIX } from './temporal-codec.router';

export const CODEC_PAGE_PATH = '/temporal-codec';

/** The UI's origin, and its loopback twin (people type either localhost or 127.0.0.1). */
export function codecCorsOrigins(config: Pick<AppConfig, 'TEMPORAL_UI_URL'>): Set<string> {
  const origins = new Set<string>();
  if (!config.TEMPORAL_UI_URL) return origins;
  const url = new URL(config.TEMPORAL_UI_URL);
  origins.add(url.origin);
  const twin = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' }[url.hostname];
  if (twin) origins.add(`${url.protocol}//${twin}${url.port ? `:${url.port}` : ''}`);
  return origins;
}

export function temporalCodecBrowser(config: Pick<AppConfig, 'TEMPORAL_UI_URL'>): Middleware {
  const origins = codecCorsOrigins(config);
  return async (ctx, next) => {
    if (!ctx.path.startsWith(`${TEMPORAL_CODEC_PREFIX}/`)) return next();
    const origin = ctx.get('origin');
    const allowed = !!origin && origins.has(origin);
    ctx.vary('Origin');
    if (allowed) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Credentials', 'true');
    }
    if (ctx.method === 'OPTIONS') {
      if (allowed) {
        ctx.set('Access-Control-Allow-Methods', 'POST, DELETE');
        ctx.set('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
        ctx.set('Access-Control-Max-Age', '600');
      }
      ctx.status = 204;
      return;
    }
    const cookie = ctx.cookies.get(CODEC_COOKIE);
    if (cookie && !ctx.get('authorization') && (!origin || allowed) && /\/(decode|encode)$/.test(ctx.path)) {
      ctx.request.headers.authorization = `Bearer ${cookie}`;
    }
    await next();
  };
}

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signoff: decode Temporal payloads</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<h1>Decode Temporal payloads</h1>
<p>Workflow data in Temporal is encrypted. Platform operators sign in here once per browser session;
the Temporal UI then decodes through <code>${TEMPORAL_CODEC_PREFIX}</code> (in the UI's codec settings, turn on
<em>Include cross-origin credentials</em>). The session lasts as long as an access token.</p>
<form id="signin">
<p><label>Tenant <input name="tenantCode" required autocomplete="organization"></label></p>
<p><label>User <input name="identifier" required autocomplete="username"></label></p>
<p><label>Password <input name="password" type="password" required autocomplete="current-password"></label></p>
<p><button type="submit">Open codec session</button> <button type="button" id="signout">End codec session</button></p>
</form>
<p id="status" role="status"></p>
<script src="${CODEC_PAGE_PATH}/page.js"></script>
</body></html>`;

// Served as a file of its own so a strict Content-Security-Policy (script-src 'self') allows it.
const script = `'use strict';
const status = document.getElementById('status');
const say = (text) => { status.textContent = text; };
const json = async (res) => { try { return await res.json(); } catch { return {}; } };
document.getElementById('signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  say('Signing in…');
  const login = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantCode: form.get('tenantCode'), identifier: form.get('identifier'), password: form.get('password') }) });
  const tokens = await json(login);
  if (!login.ok) return say('Sign-in failed: ' + (tokens.detail || login.status));
  const auth = { authorization: 'Bearer ' + tokens.accessToken, 'content-type': 'application/json' };
  const session = await fetch('${TEMPORAL_CODEC_PREFIX}/session', { method: 'POST', headers: auth, credentials: 'same-origin' });
  const opened = await json(session);
  // The sign-in session is not needed any more: the cookie holds a token of its own.
  await fetch('/api/v1/auth/logout', { method: 'POST', headers: auth, body: JSON.stringify({ refreshToken: tokens.refreshToken }) });
  event.target.reset();
  say(session.ok ? 'Codec session open until ' + new Date(opened.expiresAt).toLocaleString() + '.' : 'Refused: ' + (opened.detail || session.status));
});
document.getElementById('signout').addEventListener('click', async () => {
  await fetch('${TEMPORAL_CODEC_PREFIX}/session', { method: 'DELETE', credentials: 'same-origin' });
  say('Codec session ended.');
});
`;

export function mountTemporalCodecPage(router: Router) {
  const csp = "default-src 'none'; script-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'";
  router.get(CODEC_PAGE_PATH, (ctx) => {
    ctx.set('Content-Security-Policy', csp);
    ctx.type = 'text/html';
    ctx.body = page;
  });
  router.get(`${CODEC_PAGE_PATH}/page.js`, (ctx) => {
    ctx.set('Content-Security-Policy', csp);
    ctx.type = 'application/javascript';
    ctx.body = script;
  });
}
