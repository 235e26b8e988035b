import type { Context } from 'koa';
import { UnauthorizedError } from '../../common/errors';
import type { Actor } from '../../common/actor';
import type { Runtime } from '../../activities/runtime';
import { logContext } from '../../common/context';
import { measure } from '../../common/timing';

/**
 * Resolve the caller from `Authorization: Bearer <access token>` or `Authorization: ApiKey <key>`
 * (also accepted as `X-Api-Key`). Sets `ctx.state.actor` and adds tenant/user to the log context.
 */
export function authenticate(ctx: Context, rt: Runtime): Promise<Actor> {
  return measure('auth', () => resolveActor(ctx, rt));
}

async function resolveActor(ctx: Context, rt: Runtime): Promise<Actor> {
  const header = ctx.get('authorization');
  const [scheme, credential] = header.split(/\s+/, 2);
  let actor: Actor;
  if (/^bearer$/i.test(scheme ?? '') && credential) {
    actor = await rt.services.auth.authenticateAccessToken(credential);
  } else if ((/^apikey$/i.test(scheme ?? '') && credential) || ctx.get('x-api-key')) {
    actor = await rt.services.apiKeys.authenticate(credential || ctx.get('x-api-key'));
  } else {
    throw new UnauthorizedError('unauthorized', 'Send an access token (Authorization: Bearer …) or an API key');
  }
  ctx.state.actor = actor;
  const store = logContext.getStore();
  if (store) Object.assign(store, { tenantId: actor.tenantId, userId: actor.userId });
  return actor;
}
