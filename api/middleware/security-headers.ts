/**
 * Security headers on every response (koa-helmet): nosniff, a Content-Security-Policy that lets
 * only our own scripts run and nobody frame us, no referrer across origins, and so on.
 *
 * What the pages we serve need, and why the policy allows it:
 *  - the console (Vue + Element Plus) and Swagger UI set inline `style` attributes: style-src
 *    'unsafe-inline' (styles only; scripts stay 'self', every script is a file of ours);
 *  - Swagger UI draws its icons from data: URIs: img-src data:;
 *  - both call the API on the same origin: connect-src 'self'.
 * HSTS only when the request came over TLS (directly, or per a trusted proxy's
 * X-Forwarded-Proto): on plain http (`npm start`) it would be ignored at best.
 * API answers are `Cache-Control: no-store` unless the route says otherwise: tokens, API key
 * secrets, activation and password answers must not sit in a browser or proxy cache.
 */
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';

const HSTS = 'max-age=15552000; includeSubDomains';

export function securityHeaders(): Middleware {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    // The Temporal UI reads the codec endpoint cross-origin (CORS): keep resources fetchable.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  return async (ctx, next) => {
    if (ctx.secure) ctx.set('Strict-Transport-Security', HSTS);
    if (ctx.path === '/api' || ctx.path.startsWith('/api/')) ctx.set('Cache-Control', 'no-store');
    await headers(ctx, next);
  };
}
