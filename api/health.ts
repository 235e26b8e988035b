import type Router from '@koa/router';
import type { Runtime } from '../activities/runtime';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

/** `/health`: the process is alive. `/ready`: it can serve (DB, Redis and Temporal answer). */
export function mountHealth(router: Router, rt: Runtime) {
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/ready', async (ctx) => {
    const checks = {
      database: () => rt.orm.em.fork().getConnection().execute('select 1'),
      redis: () => rt.redis.ping(),
      temporal: async () => (await rt.temporal()).connection.workflowService.getSystemInfo({}),
    };
    const results: Record<string, { ok: boolean }> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 3000);
          results[name] = { ok: true };
        } catch (err) {
          // Error texts name hosts and ports: they go to the log, never to the (anonymous) caller.
          rt.log.warn({ check: name, err: err instanceof Error ? err.message : String(err) }, 'readiness check failed');
          results[name] = { ok: false };
        }
      }),
    );
    const ok = Object.values(results).every((r) => r.ok);
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ready' : 'not_ready', checks: results };
  });
}
