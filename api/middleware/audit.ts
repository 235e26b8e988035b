/**
 * Audit trail of every state-changing call (POST/PUT/PATCH/DELETE) by an authenticated caller:
 * who, which route, which target, the outcome and how long it took. It sits outside the error
 * middleware, so it sees the final status and problem code. It only queues the entry (see
 * AuditLogService): no database work happens on the request's path.
 *
 * Calls without a resolved caller (failed authentication, login itself) are not recorded here:
 * their tenant is unknown, and the login log already keeps sign-in attempts.
 */
import type { Middleware } from 'koa';
import type { Actor } from '../../common/actor';
import type { Runtime } from '../../activities/runtime';
import { clientIp } from '../client-ip';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

export const auditTrail = (rt: Runtime): Middleware => {
  const audit = rt.services.audit;
  return async (ctx, next) => {
    if (!MUTATING.has(ctx.method)) return next();
    const arrived = new Date();
    const started = performance.now();
    try {
      await next();
    } finally {
      const actor = ctx.state.actor as Actor | undefined;
      const template = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      if (actor && actor.via !== 'system' && typeof template === 'string') {
        const params = Object.fromEntries(Object.entries((ctx.params ?? {}) as Record<string, string>).map(([k, v]) => [k, clip(String(v), 255)]));
        const values = Object.values(params);
        const body = ctx.body as { code?: unknown } | undefined;
        const success = ctx.status < 400;
        audit.record({
          tenantId: actor.tenantId,
          userId: actor.userId,
          via: actor.via,
          apiKeyId: actor.apiKeyId ?? null,
          method: ctx.method,
          action: clip(`${ctx.method} ${template}`, 255),
          targetId: params.id ?? values[0] ?? null,
          params: values.length ? params : null,
          status: ctx.status,
          success,
          errorCode: !success && typeof body?.code === 'string' ? clip(body.code, 64) : null,
          requestId: clip(String(ctx.state.requestId ?? ''), 128),
          ip: clientIp(ctx) ? clip(clientIp(ctx)!, 64) : null,
          durationMs: Math.round(performance.now() - started),
          createdAt: arrived,
        });
      }
    }
  };
};
