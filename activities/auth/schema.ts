/**
 * Inputs and views of auth, me and API keys. The services take the parsed types and return the
 * views; the API validates and documents its routes with the same schemas.
 */
import { z } from 'zod';
import { PageQuery } from '../../common/pagination';
import { iso, Name, QueryBool, Uuid } from '../../common/schema';
import { UserView } from '../user/schema';
import type { ApiKey, LoginLog } from '../../db/entities';

// ---- login, refresh, logout -------------------------------------------------------------

export const LoginBody = z.object({
  tenantCode: z.string().trim().min(1).max(64),
  /** Username or email. */
  identifier: z.string().trim().min(1).max(254),
  // No strength rules here: they apply when a password is set, not when one is tried.
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(256) });
export type RefreshBody = z.infer<typeof RefreshBody>;

export const LogoutBody = z
  .object({
    /** The session's refresh token: its whole family is revoked. Without it only the access token ends. */
    refreshToken: z.string().min(1).max(256).optional(),
  })
  .optional();
export type LogoutBody = z.infer<typeof LogoutBody>;

export const TokenPair = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.string(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.string(),
  tokenType: z.literal('Bearer'),
  user: UserView,
});
export type TokenPair = z.infer<typeof TokenPair>;

// ---- me -----------------------------------------------------------------------------------

export const MeView = z.object({
  user: UserView,
  tenant: z.object({ id: z.string(), code: z.string(), name: z.string() }),
  /** Codes of the roles the user holds. */
  roles: z.array(z.string()),
  /** Effective permission codes of this session (for an API key: limited by its scopes). */
  permissions: z.array(z.string()),
  via: z.enum(['access_token', 'api_key', 'system']),
});
export type MeView = z.infer<typeof MeView>;

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

// ---- login log ----------------------------------------------------------------------------

export const LoginLogQuery = PageQuery.extend({
  userId: Uuid.optional(),
  success: QueryBool.optional(),
  /** Inclusive lower bound (ISO date-time). */
  from: z.coerce.date().optional(),
  /** Exclusive upper bound (ISO date-time). */
  to: z.coerce.date().optional(),
});
export type LoginLogQuery = z.infer<typeof LoginLogQuery>;

export const LoginLogView = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  tenantCode: z.string(),
  identifier: z.string(),
  success: z.boolean(),
  reason: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.string(),
});
export type LoginLogView = z.infer<typeof LoginLogView>;

export const toLoginLogView = (l: LoginLog): LoginLogView => ({
  id: l.id,
  userId: l.userId,
  tenantCode: l.tenantCode,
  identifier: l.identifier,
  success: l.success,
  reason: l.reason,
  ip: l.ip,
  userAgent: l.userAgent,
  createdAt: l.createdAt.toISOString(),
});

// ---- sessions -----------------------------------------------------------------------------

/**
 * A session is one sign-in: a refresh-token family whose current token is still live. Its id is
 * the family id (the `fid` claim of its access tokens).
 */
export const SessionView = z.object({
  sessionId: z.string(),
  /** The session the request was made with. */
  current: z.boolean(),
  signedInAt: z.string(),
  /** When the session last refreshed its tokens (or signed in). */
  lastUsedAt: z.string(),
  expiresAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type SessionView = z.infer<typeof SessionView>;

export const SessionQuery = PageQuery;
export type SessionQuery = z.infer<typeof SessionQuery>;

export const SessionParams = z.object({ sessionId: Uuid });
export const UserSessionParams = z.object({ id: Uuid, sessionId: Uuid });

export const RevokedSessions = z.object({ revoked: z.number().int() });
export type RevokedSessions = z.infer<typeof RevokedSessions>;

// ---- API keys -----------------------------------------------------------------------------

export const CreateApiKeyBody = z.object({
  name: Name,
  /**
   * Permission codes the key may use (each must exist and be held by the creator), and key
   * scopes for routes without a permission code (`approval:submit`, `approval:act`,
   * `workspace:read`, `workspace:write`, `apikey:delegate`).
   */
  scopes: z.array(z.string().min(1).max(100)).min(1).max(100),
  /** At most API_KEY_MAX_TTL_DAYS ahead (later is capped to that); unset = that maximum. */
  expiresAt: z.coerce.date().optional(),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const ApiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  /** Shown so people can tell their keys apart; the secret is never shown again. */
  prefix: z.string(),
  userId: z.string(),
  scopes: z.array(z.string()),
  status: z.enum(['active', 'expired', 'revoked']),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdBy: z.string(),
  /** The key this one was created with; revoking that key revoked or revokes this one. */
  parentKeyId: z.string().nullable(),
  createdAt: z.string(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

export const CreatedApiKey = ApiKeyView.extend({
  /** The full key. Returned by the create call only: store it now. */
  key: z.string(),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

/** The key's scopes as strings (the column is JSON: never trust its shape blindly). */
export function scopesOf(k: Pick<ApiKey, 'scopes'>): string[] {
  return Array.isArray(k.scopes) ? k.scopes.filter((s): s is string => typeof s === 'string') : [];
}

export const apiKeyStatus = (k: ApiKey, now = Date.now()): ApiKeyView['status'] =>
  k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt.getTime() <= now ? 'expired' : 'active';

export const toApiKeyView = (k: ApiKey): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  userId: k.userId,
  scopes: scopesOf(k),
  status: apiKeyStatus(k),
  expiresAt: iso(k.expiresAt),
  revokedAt: iso(k.revokedAt),
  lastUsedAt: iso(k.lastUsedAt),
  createdBy: k.createdBy,
  parentKeyId: k.parentKeyId,
  createdAt: k.createdAt.toISOString(),
});

export const ApiKeyListQuery = PageQuery;
