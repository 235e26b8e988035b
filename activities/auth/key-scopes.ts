/**
 * API-key scopes that are not permission codes. Routes with a permission code are open to a
 * key whose scopes include that code (the key's rights are its owner's ∩ its scopes). Routes
 * without one (approve, start a request, to-dos, messages, …) are what any signed-in person may
 * do for themself; a key gets none of them unless it names the matching scope below, so a key
 * leaked from a reporting integration cannot approve requests in its owner's name.
 */
export const KEY_SCOPES = {
  /** Start, resubmit, withdraw, urge and comment on one's own approval requests; read them. */
  approvalSubmit: 'approval:submit',
  /** Act on one's approval tasks (approve, reject, transfer, delegate, add-sign…), read the inbox. */
  approvalAct: 'approval:act',
  /** Read one's own workspace: profile, menus, messages, to-dos, plans, announcements, preferences. */
  workspaceRead: 'workspace:read',
  /** Change one's own workspace: to-dos, plans, message and announcement read marks, preferences. */
  workspaceWrite: 'workspace:write',
  /** Create API keys with this key (children are revoked with it and never outlive it). */
  apiKeyDelegate: 'apikey:delegate',
} as const;

export type KeyScope = (typeof KEY_SCOPES)[keyof typeof KEY_SCOPES];

export const KEY_SCOPE_CODES: ReadonlySet<string> = new Set(Object.values(KEY_SCOPES));

/**
 * How a route without a permission code treats API keys: a key scope it needs, or
 * `'service-checked'` when the service itself checks permission codes (which, for a key, are
 * already limited to its scopes). Routes that say nothing are refused to keys.
 */
export type RouteKeyAccess = KeyScope | 'service-checked';
