/**
 * Permission checks inside services. A route declares the one permission it needs
 * (`route.permission`, enforced in api/mount.ts); a service calls these when an operation needs
 * more than that, or only in some cases (e.g. `?force=true`), so the rule holds whoever calls it.
 */
import { can, type Actor } from '../../common/actor';
import { ForbiddenError } from '../../common/errors';
import type { PermissionCode } from './catalog';

/** Throw 403 `permission_denied` unless the actor holds `code` (system actors hold everything). */
export function requirePermission(actor: Actor, code: PermissionCode): void {
  if (!can(actor, code)) throw new ForbiddenError('permission_denied', `This needs the permission ${code}`);
}

/**
 * Refuse to hand out permissions the actor does not hold themself (403 `permission_escalation`).
 * Without it, anyone with `role:write` + `role:assign` could build a role with every permission
 * and give it to themself.
 */
export function requireHoldsAll(actor: Actor, codes: Iterable<string>): void {
  const missing = [...new Set(codes)].filter((c) => !can(actor, c)).sort();
  if (missing.length) {
    throw new ForbiddenError('permission_escalation', `You cannot grant permissions you do not hold: ${missing.join(', ')}`);
  }
}
