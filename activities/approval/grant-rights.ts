/**
 * Who may make a template give roles (issue 8, item 2). A `grantRole` step, or a role-grant
 * saga hook, with a constant role gives that role to whoever gets through the flow; publishing
 * it is giving the role, so the publisher must be allowed to give it (privilege.ts). A role
 * taken from the form is known only when the step runs; then someone who approved the request
 * must hold the rights (checked by the grant activity).
 */
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../runtime';
import type { Actor } from '../../common/actor';
import { AppError, ForbiddenError } from '../../common/errors';
import type { ErrorCodeWithStatus } from '../../common/error-codes';
import { Role } from '../../db/entities';
import { HOOK_WORKFLOW_TYPES, formatPath, iterateSteps, type PathPart, type Template } from '../../workflows/approval/dsl';
import { assertMayGrantRoles } from '../permission/privilege';

/** The constant role codes a template gives, with where they are written. */
export function constantRoleGrants(t: Template): { roleCode: string; path: PathPart[] }[] {
  const grants: { roleCode: string; path: PathPart[] }[] = [];
  for (const { step, path } of iterateSteps(t.flow)) {
    if (step.kind === 'action' && step.action === 'grantRole' && 'const' in step.args.roleCode && typeof step.args.roleCode.const === 'string') {
      grants.push({ roleCode: step.args.roleCode.const, path: [...path, 'args', 'roleCode', 'const'] });
    }
  }
  for (const outcome of ['onApproved', 'onRejected'] as const) {
    t.hooks[outcome].forEach((hook, i) => {
      const role = hook.kind === 'childWorkflow' && HOOK_WORKFLOW_TYPES.includes(hook.workflowType) ? hook.input.roleCode : undefined;
      if (role && 'const' in role && typeof role.const === 'string') grants.push({ roleCode: role.const.trim(), path: ['hooks', outcome, i, 'input', 'roleCode', 'const'] });
    });
  }
  return grants;
}

/**
 * Refuse to publish a template that gives a constant role the publisher may not give: 403 with
 * the privilege rule's code (`permission_denied` without `role:assign`, `permission_escalation`,
 * `scope_escalation`), naming the place in the template.
 */
export async function assertPublisherMayGrant(rt: Runtime, em: EntityManager, actor: Actor, t: Template): Promise<void> {
  for (const grant of constantRoleGrants(t)) {
    const role = await em.findOne(Role, { tenantId: actor.tenantId, code: grant.roleCode });
    if (!role) continue; // reported by the reference check
    try {
      await assertMayGrantRoles(rt, em, actor, [role.id]);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 403) throw err;
      // A 403 AppError's code is one catalogued with 403 (the constructors see to it).
      throw new ForbiddenError(err.code as ErrorCodeWithStatus<403>, `${formatPath(grant.path)} gives the role ${grant.roleCode}: ${err.message}`);
    }
  }
}
