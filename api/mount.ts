import Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import { ForbiddenError, ValidationError, type FieldError } from '../common/errors';
import { can } from '../common/actor';
import type { Runtime } from '../activities/runtime';
import { authenticate } from './middleware/authenticate';
import { limitCaller } from './middleware/rate-limits';
import { measure } from '../common/timing';
import type { Route, RouteModule } from './route';

/** Validate one part of the request; collect every problem with its path. */
function parsePart(part: 'body' | 'query' | 'params', schema: z.ZodType | undefined, value: unknown, problems: FieldError[]) {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push({
      path: [part, ...issue.path.map(String)].join('.'),
      message: issue.message,
      code: issue.code,
    });
  }
  return undefined;
}

/**
 * Services report field errors relative to the command they received (`permissions.1`). Over
 * HTTP, say where that field was sent (`body.permissions.1`, `query.maxLevels`), like the schema
 * errors do, so a client maps every error to its input the same way.
 */
function inRequestTerms(err: unknown, parts: Record<'body' | 'query' | 'params', unknown>): unknown {
  if (!(err instanceof ValidationError) || !err.errors?.length) return err;
  const where = (field: string) =>
    (['body', 'query', 'params'] as const).find((p) => {
      const part = parts[p];
      return part !== null && typeof part === 'object' && field in part;
    });
  const errors = err.errors.map((e) => {
    if (/^(body|query|params)(\.|$)/.test(e.path)) return e;
    // A required field that was not sent at all is still a body field when the route takes one.
    const body = parts.body;
    const part = where(e.path.split('.')[0]) ?? (body !== null && typeof body === 'object' ? 'body' : undefined);
    return part ? { ...e, path: `${part}.${e.path}` } : e;
  });
  return new ValidationError(err.message, errors, err.code);
}

function handlerFor(route: Route, rt: Runtime) {
  return async (ctx: Context) => {
    const actor = route.auth === false ? undefined : await authenticate(ctx, rt);
    if (actor) await measure('rate_limit', () => limitCaller(ctx, rt, actor));
    if (actor?.via === 'api_key' && route.auth !== false && !route.permission) {
      // Routes without a permission code are refused to keys unless the route names a key scope the key holds.
      const access = route.apiKey;
      const anyOf = access === undefined ? [] : typeof access === 'string' ? [access] : [...access];
      const allowed = access === 'service-checked' || anyOf.some((scope) => actor.keyScopes?.has(scope));
      if (!allowed) {
        throw new ForbiddenError('api_key_not_allowed', anyOf.length ? `API keys need the scope ${anyOf.join(' or ')} for this` : 'API keys cannot call this; sign in as a person');
      }
    }
    if (actor && route.auth !== false && route.permission && !can(actor, route.permission)) {
      throw new ForbiddenError('permission_denied', `This needs the permission ${route.permission}`);
    }
    const problems: FieldError[] = [];
    const { params, query, body } = await measure('validation', async () => ({
      params: parsePart('params', route.params, ctx.params, problems),
      query: parsePart('query', route.query, ctx.query, problems),
      body: parsePart('body', route.body, (ctx.request as { body?: unknown }).body, problems),
    }));
    if (problems.length) throw new ValidationError('The request is not valid', problems);
    let result: unknown;
    try {
      result = await (route.handler as (i: unknown) => Promise<unknown>)({ body, query, params, ctx, rt, actor });
    } catch (err) {
      throw inRequestTerms(err, { body, query, params });
    }
    ctx.status = route.status ?? 200;
    if (ctx.status === 204) ctx.body = null;
    else if (result !== undefined) ctx.body = result;
  };
}

export function mountModules(router: Router, modules: RouteModule[], rt: Runtime) {
  for (const mod of modules) {
    for (const route of mod.routes) {
      const path = (mod.prefix + route.path).replace(/\/$/, '') || '/';
      router[route.method](path, handlerFor(route, rt));
    }
  }
}
