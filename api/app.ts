/** The Koa application: middleware order matters and is spelled out here once. */
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { RequestContext } from '@mikro-orm/core';
import type { Runtime } from '../activities/runtime';
import { requestContext } from './middleware/request-context';
import { accessLog } from './middleware/access-log';
import { requestMetrics } from './middleware/metrics';
import { requestTracing } from './middleware/tracing';
import { serverTiming } from './middleware/server-timing';
import { mountMetrics } from './ops/metrics-endpoint';
import { errorHandler } from './middleware/errors';
import { securityHeaders } from './middleware/security-headers';
import { limitByAddress } from './middleware/rate-limits';
import { auditTrail } from './middleware/audit';
import { mountModules } from './mount';
import { mountHealth } from './health';
import { mountDocs } from './docs';
import { buildOpenApi } from './openapi';
import { modules } from './modules';
import { serveConsole } from './console';
import { mountTemporalCodecPage, temporalCodecBrowser } from './ops/temporal-codec-browser';

export function createApp(rt: Runtime): Koa {
  // X-Forwarded-For/-Proto count only behind a trusted proxy (api/client-ip.ts).
  const app = new Koa({ proxy: rt.config.TRUST_PROXY, maxIpsCount: rt.config.TRUST_PROXY_HOPS });
  app.silent = true; // errors are logged by errorHandler, once, with request ids
  const router = new Router();
  mountHealth(router, rt);
  mountMetrics(router, rt);
  mountDocs(router);
  mountTemporalCodecPage(router);
  const openapi = buildOpenApi(modules, { version: process.env.npm_package_version ?? '0.1.0', serverUrl: rt.config.PUBLIC_URL });
  router.get('/openapi.json', (ctx) => {
    ctx.body = openapi;
  });
  mountModules(router, modules, rt);

  app.use(requestMetrics(rt.metrics)); // outermost: times everything, sees the final status
  if (rt.config.SERVER_TIMING) app.use(serverTiming()); // phases of this request, for the benchmark's breakdown
  app.use(requestTracing()); // the server span; its trace id reaches logs and problem+json
  app.use(requestContext());
  app.use(securityHeaders());
  app.use(accessLog(rt.log));
  app.use(auditTrail(rt)); // outside errorHandler: it records the final status and problem code
  app.use(errorHandler(rt.log));
  app.use(limitByAddress(rt)); // before the body is read: a flood costs a Redis call, nothing more
  app.use(temporalCodecBrowser(rt.config)); // CORS and cookie for the Temporal UI's codec calls
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: rt.config.BODY_LIMIT,
      encoding: 'utf-8',
      onError: (err) => {
        throw Object.assign(err, { expose: true });
      },
    }),
  );
  // One MikroORM identity map per request; never the global EntityManager.
  app.use((_ctx, next) => RequestContext.create(rt.orm.em, next));
  app.use(serveConsole(rt.log)); // the web console at `/`; never answers the API's own paths
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));
  return app;
}
