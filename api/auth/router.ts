/** Login, token refresh, logout, the login log, and the caller's own profile (`/me`). */
import type { Context } from 'koa';
import { publicRoute, route, type RouteModule } from '../route';
import { PageOf } from '../../common/pagination';
import { PERMISSIONS } from '../../activities/permission/catalog';
import type { ClientMeta } from '../../activities/auth/refresh-tokens';
import {
  ChangePasswordBody,
  LoginBody,
  RevokedSessions,
  SessionParams,
  SessionQuery,
  SessionView, LoginLogQuery,
  LoginLogView,
  LogoutBody,
  MeView,
  RefreshBody,
  TokenPair,
  toLoginLogView,
} from '../../activities/auth/schema';
import { clientIp } from '../client-ip';

/** Client address (honours X-Forwarded-For only when the app trusts its proxy) and user agent. */
const clientMeta = (ctx: Context): ClientMeta => ({ ip: clientIp(ctx), userAgent: ctx.get('user-agent') || null });

export const authModule: RouteModule = {
  prefix: '/api/v1/auth',
  tag: 'Auth',
  routes: [
    publicRoute({
      method: 'post',
      path: '/login',
      summary: 'Sign in with tenant code, user name or email, and password',
      description:
        'Returns a short-lived access token and a refresh token. Repeated failures lock the account and the client address for a while (429 `login_locked` with Retry-After).',
      auth: false,
      body: LoginBody,
      response: TokenPair,
      errors: [401, 403, 429],
      handler: ({ body, ctx, rt }) => rt.services.auth.login(body, clientMeta(ctx)),
    }),
    publicRoute({
      method: 'post',
      path: '/refresh',
      summary: 'Exchange a refresh token for a new token pair',
      description:
        'Each refresh token works once. Presenting a used one again revokes its whole session (401 `refresh_token_reused`).',
      auth: false,
      body: RefreshBody,
      response: TokenPair,
      errors: [401],
      handler: ({ body, ctx, rt }) => rt.services.auth.refresh(body, clientMeta(ctx)),
    }),
    route({
      method: 'post',
      path: '/logout',
      summary: 'End this session',
      description: 'The access token stops working at once; pass the refresh token to end its session too.',
      body: LogoutBody,
      status: 204,
      handler: async ({ body, actor, rt }) => {
        await rt.services.auth.logout(actor, body);
      },
    }),
    route({
      method: 'get',
      path: '/login-logs',
      summary: "The tenant's login attempts, newest first",
      permission: PERMISSIONS.loginLogRead,
      query: LoginLogQuery,
      response: PageOf(LoginLogView),
      handler: async ({ query, actor, rt }) => {
        const page = await rt.services.auth.listLoginLogs(actor, query);
        return { ...page, items: page.items.map(toLoginLogView) };
      },
    }),
  ],
};

export const meModule: RouteModule = {
  prefix: '/api/v1/me',
  tag: 'Me',
  routes: [
    route({
      method: 'get',
      path: '/',
      apiKey: 'workspace:read',
      summary: 'The caller: profile, tenant, roles and effective permissions',
      response: MeView,
      handler: ({ actor, rt }) => rt.services.auth.me(actor),
    }),
    route({
      method: 'post',
      path: '/password',
      summary: 'Change my password',
      description: 'Needs the current password. Ends every other session and returns a fresh token pair.',
      body: ChangePasswordBody,
      response: TokenPair,
      errors: [429],
      handler: ({ body, actor, ctx, rt }) => rt.services.auth.changePassword(actor, body, clientMeta(ctx)),
    }),
    route({
      method: 'get',
      path: '/sessions',
      summary: 'My sessions: one per sign-in, with its device and last use',
      description: '`current` marks the session this request was made with. Newest use first.',
      query: SessionQuery,
      response: PageOf(SessionView),
      handler: ({ query, actor, rt }) => rt.services.sessions.mine(actor, query),
    }),
    route({
      method: 'delete',
      path: '/sessions/:sessionId',
      summary: 'End one of my sessions',
      description: 'Its refresh token and access tokens stop working at once. Ending the current session signs out. 404 for a session that is not mine or already ended.',
      params: SessionParams,
      status: 204,
      handler: async ({ params, actor, rt }) => {
        await rt.services.sessions.revokeMine(actor, params.sessionId);
      },
    }),
    route({
      method: 'post',
      path: '/sessions/revoke-others',
      summary: 'End all my sessions but this one',
      response: RevokedSessions,
      handler: ({ actor, rt }) => rt.services.sessions.revokeMyOthers(actor),
    }),
  ],
};

