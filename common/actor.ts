/**
 * Who is acting. Every service method that reads or writes tenant data takes an Actor and
 * filters by `actor.tenantId`: the tenant never comes from the request body or a URL id.
 */
export interface Actor {
  tenantId: string;
  userId: string;
  /** How the caller authenticated. `system` = a workflow activity acting for the platform. */
  via: 'access_token' | 'api_key' | 'system';
  /** Effective permission codes (for API keys: the owner's permissions ∩ the key's scopes). */
  permissions: ReadonlySet<string>;
  /** Access-token id, for logout. */
  jti?: string;
  tokenExpiresAt?: Date;
  /** The sign-in (refresh-token family) an access token belongs to; see activities/auth/sessions.ts. */
  sessionId?: string;
  apiKeyId?: string;
  /** For API keys: the key's scopes that are not permission codes (see activities/auth/key-scopes.ts). */
  keyScopes?: ReadonlySet<string>;
}

export const systemActor = (tenantId: string, userId = 'system'): Actor => ({
  tenantId,
  userId,
  via: 'system',
  permissions: new Set(['*']),
});

export const can = (actor: Actor, permission: string): boolean =>
  actor.permissions.has('*') || actor.permissions.has(permission);
