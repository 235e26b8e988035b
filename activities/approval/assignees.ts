/**
 * Who is asked at a step: assignee rules resolved against the live org chart, then the step's
 * policies (initiator picks, nobody found, initiator among the approvers, repeated approver).
 * Used by the dry-run now and by the approval workflow's activities later, so a preview and a
 * real instance name the same people. Org questions go through the user module's services;
 * it runs as the system (the org chart decides, not the data scope of whoever asks).
 */
import type { Runtime } from '../runtime';
import { systemActor, type Actor } from '../../common/actor';
import { NotFoundError, ValidationError, type FieldError } from '../../common/errors';
import { Department, Position, Role, User, UserRole } from '../../db/entities';
import { ancestorsNearestFirst } from '../user/org-chart';
import { decide, type Vote, type ApprovalStep, type AssigneeRule, type CcStep, type TemplateSettings, type InitiatorFacts } from '../../workflows/approval/dsl';

export interface Person {
  userId: string;
  displayName: string;
}

export interface Initiator extends InitiatorFacts {
  displayName: string;
}

/** What rules are resolved against. */
export interface ResolveContext {
  tenantId: string;
  initiator: Initiator;
  form: Record<string, unknown>;
  /** People the initiator picked at submit, by step id. */
  selections?: Record<string, string[]>;
}

export type AutoApproval = 'initiator' | 'repeated';

export interface StepAssignee extends Person {
  autoApproved: AutoApproval | null;
}

export interface StepResolution {
  /**
   * `assigned`: tasks wait for these people. `autoApproved` / `autoRejected` / `failed`: the
   * step ends at once. `awaitingSelection`: the initiator has not picked yet (the assignees
   * listed are the candidates, if the rule limits them).
   */
  outcome: 'assigned' | 'autoApproved' | 'autoRejected' | 'failed' | 'awaitingSelection';
  assignees: StepAssignee[];
  notes: string[];
}

const describeRule = (rule: AssigneeRule): string => {
  switch (rule.type) {
    case 'users':
      return `${rule.userIds.length} named user(s)`;
    case 'role':
      return `holders of ${rule.roleCodes.join(', ')}`;
    case 'departmentHead':
      return rule.level === 1 ? "the head of the initiator's department" : `the department head ${rule.level} levels up`;
    case 'managerChain':
      return `the manager chain${rule.upToLevel ? ` up to level ${rule.upToLevel}` : ''}${rule.upToRoleCode ? ` up to ${rule.upToRoleCode}` : ''}`;
    case 'initiatorSelects':
      return 'people the initiator picks';
    case 'initiator':
      return 'the initiator';
    case 'formField':
      return `users in form.${rule.fieldId}`;
    case 'departmentMembers':
      return `members of department ${rule.departmentId}`;
  }
};

export class AssigneeResolver {
  constructor(private readonly rt: Runtime) {}

  private get em() {
    return this.rt.orm.em;
  }

  private system(tenantId: string): Actor {
    return systemActor(tenantId);
  }

  /** The facts about an initiator that conditions and rules use. 422 for an unknown or disabled user. */
  async initiator(tenantId: string, userId: string, path = 'initiatorUserId'): Promise<Initiator> {
    const user = await this.em.findOne(User, { tenantId, id: userId, deletedAt: null });
    if (!user) throw new ValidationError('Unknown initiator', [{ path, message: 'no such user in this tenant', code: 'not_found' }]);
    if (user.status !== 'active') throw new ValidationError('Inactive initiator', [{ path, message: 'this user is disabled', code: 'inactive_user' }]);
    const roles = await this.rt.services.permissions.rolesOf(tenantId, user.id);
    const position = user.positionId ? await this.em.findOne(Position, { tenantId, id: user.positionId }) : null;
    return {
      userId: user.id,
      displayName: user.displayName,
      departmentId: user.departmentId,
      roleCodes: roles.map((r) => r.code),
      positionCode: position?.code ?? null,
    };
  }

  /** Active users among the ids, in the order given, each once. */
  async activeUsers(tenantId: string, ids: readonly string[]): Promise<Person[]> {
    const wanted = [...new Set(ids)];
    if (!wanted.length) return [];
    const rows = await this.em.find(User, { tenantId, id: { $in: wanted }, deletedAt: null, status: 'active' });
    const byId = new Map(rows.map((u) => [u.id, u]));
    return wanted.flatMap((id) => {
      const u = byId.get(id);
      return u ? [{ userId: u.id, displayName: u.displayName }] : [];
    });
  }

  /** Active holders of any of the roles, by username. */
  async roleMembers(tenantId: string, roleCodes: readonly string[]): Promise<Person[]> {
    if (!roleCodes.length) return [];
    const roles = await this.em.find(Role, { tenantId, code: { $in: [...roleCodes] } });
    if (!roles.length) return [];
    const links = await this.em.find(UserRole, { tenantId, roleId: { $in: roles.map((r) => r.id) } });
    if (!links.length) return [];
    const users = await this.em.find(
      User,
      { tenantId, id: { $in: [...new Set(links.map((l) => l.userId))] }, deletedAt: null, status: 'active' },
      { orderBy: { username: 'asc' } },
    );
    return users.map((u) => ({ userId: u.id, displayName: u.displayName }));
  }

  /** The people a rule names right now (active users only, stable order, no duplicates). */
  async resolveRule(rule: AssigneeRule, ctx: ResolveContext): Promise<Person[]> {
    const { tenantId, initiator } = ctx;
    const org = this.rt.services.orgChart;
    switch (rule.type) {
      case 'users':
        return this.activeUsers(tenantId, rule.userIds);
      case 'role':
        return this.roleMembers(tenantId, rule.roleCodes);
      case 'departmentHead': {
        if (!initiator.departmentId) return [];
        const dept = await this.em.findOne(Department, { tenantId, id: initiator.departmentId });
        const ancestors = dept ? ancestorsNearestFirst(dept.path) : [];
        // Nobody heads their own approval: when the initiator heads that department, the head
        // of the next department up is asked (none left = nobody, and emptyAssignee decides).
        for (const target of ancestors.slice(rule.level - 1)) {
          const head = await org.departmentHead(this.system(tenantId), target);
          if (head?.id === initiator.userId) continue;
          return head && head.status === 'active' ? [{ userId: head.id, displayName: head.displayName }] : [];
        }
        return [];
      }
      case 'managerChain': {
        const chain = await org.managerChain(this.system(tenantId), initiator.userId, { maxLevels: rule.upToLevel, stopAtRoleCode: rule.upToRoleCode });
        return this.activeUsers(tenantId, chain.map((c) => c.userId));
      }
      case 'initiatorSelects':
        return [];
      case 'initiator':
        return this.activeUsers(tenantId, [initiator.userId]);
      case 'formField': {
        const v = ctx.form[rule.fieldId];
        const ids = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
        return this.activeUsers(tenantId, ids);
      }
      case 'departmentMembers': {
        try {
          const members = await org.membersOf(this.system(tenantId), rule.departmentId, rule.includeSubtree);
          return members.filter((m) => m.status === 'active').map((m) => ({ userId: m.id, displayName: m.displayName }));
        } catch (err) {
          // Deleted since publishing: nobody is found and the step's emptyAssignee policy decides.
          if (err instanceof NotFoundError) return [];
          throw err;
        }
      }
    }
  }

  /**
   * People the initiator picked for a step. They must be active users of the tenant and, when
   * the rule names candidates, among them (422 with the path `selections.<stepId>[i]`).
   */
  private async picked(stepId: string, ids: readonly string[], ctx: ResolveContext, candidates: Person[] | null): Promise<Person[]> {
    const found = await this.activeUsers(ctx.tenantId, ids);
    const problems: FieldError[] = [];
    ids.forEach((id, i) => {
      const path = `selections.${stepId}[${i}]`;
      if (!found.some((p) => p.userId === id)) problems.push({ path, message: 'no active user with this id in the tenant', code: 'not_found' });
      else if (candidates && !candidates.some((c) => c.userId === id)) problems.push({ path, message: 'not one of the candidates of this step', code: 'not_a_candidate' });
    });
    if (problems.length) throw new ValidationError('The selected people cannot be used', problems);
    return found;
  }

  /** Recipients of a cc step. */
  async resolveCc(step: CcStep, ctx: ResolveContext): Promise<{ recipients: Person[]; awaitingSelection: boolean }> {
    if (step.recipients.type !== 'initiatorSelects') return { recipients: await this.resolveRule(step.recipients, ctx), awaitingSelection: false };
    const picked = ctx.selections?.[step.id];
    return picked ? { recipients: await this.picked(step.id, picked, ctx, null), awaitingSelection: false } : { recipients: [], awaitingSelection: true };
  }

  /**
   * An approval step's assignees after its policies, in this order: the initiator's pick (when
   * the step asks for one), emptyAssignee (nobody found), initiatorIsApprover, then
   * autoPassRepeatedApprover against `previousApprovers` (those asked at the approval step just
   * before on the path). The step ends at once when the auto-approvals already satisfy its mode.
   */
  async resolveApproval(step: ApprovalStep, settings: TemplateSettings, ctx: ResolveContext, previousApprovers?: ReadonlySet<string>): Promise<StepResolution> {
    const notes: string[] = [];
    const selects = step.initiatorSelects || step.assignees.type === 'initiatorSelects';
    let people = await this.resolveRule(step.assignees, ctx);
    if (selects) {
      const candidates = step.assignees.type === 'initiatorSelects' ? null : people;
      const picked = ctx.selections?.[step.id];
      if (!picked) {
        notes.push(candidates ? `the initiator picks among ${candidates.length} candidate(s) at submit` : 'the initiator picks the approvers at submit');
        return { outcome: 'awaitingSelection', assignees: (candidates ?? []).map((p) => ({ ...p, autoApproved: null })), notes };
      }
      people = await this.picked(step.id, picked, ctx, candidates);
    }

    const initiatorId = ctx.initiator.userId;
    /**
     * Nobody to ask: the step's emptyAssignee policy decides. With `excludeInitiator` (the
     * initiator was the only approver and is skipped) an assignTo fallback cannot name them
     * either, so a request never passes because its own initiator was skipped.
     */
    const whenEmpty = async (nobody: string, excludeInitiator: boolean): Promise<StepResolution | Person[]> => {
      const policy = step.emptyAssignee;
      if (policy.type === 'autoApprove') return { outcome: 'autoApproved', assignees: [], notes: [...notes, `${nobody}: approved automatically (emptyAssignee: autoApprove)`] };
      if (policy.type === 'autoReject') return { outcome: 'autoRejected', assignees: [], notes: [...notes, `${nobody}: rejected automatically (emptyAssignee: autoReject)`] };
      if (policy.type === 'fail') return { outcome: 'failed', assignees: [], notes: [...notes, `${nobody}: the instance fails (emptyAssignee: fail)`] };
      const fallback = [...(await this.activeUsers(ctx.tenantId, policy.userIds)), ...(await this.roleMembers(ctx.tenantId, policy.roleCodes))].filter(
        (p) => !excludeInitiator || p.userId !== initiatorId,
      );
      const found = fallback.filter((p, i) => fallback.findIndex((q) => q.userId === p.userId) === i);
      if (!found.length) return { outcome: 'failed', assignees: [], notes: [...notes, `${nobody}, and the assignTo fallback names nobody active either: the instance fails`] };
      notes.push(`${nobody}: assigned to the fallback (emptyAssignee: assignTo)`);
      return found;
    };

    if (!people.length) {
      const fallback = await whenEmpty(`nobody matched (${describeRule(step.assignees)})`, false);
      if (!Array.isArray(fallback)) return fallback;
      people = fallback;
    }

    let assignees: StepAssignee[] = people.map((p) => ({ ...p, autoApproved: null }));
    if (assignees.some((a) => a.userId === initiatorId)) {
      if (settings.initiatorIsApprover === 'skip') {
        assignees = assignees.filter((a) => a.userId !== initiatorId);
        if (!assignees.length) {
          // Skipping the only approver must not approve the request: the step's empty policy decides.
          const fallback = await whenEmpty('the initiator was the only approver and is skipped (initiatorIsApprover: skip)', true);
          if (!Array.isArray(fallback)) return fallback;
          assignees = fallback.map((p) => ({ ...p, autoApproved: null }));
        } else notes.push('the initiator is skipped (initiatorIsApprover: skip)');
      } else if (settings.initiatorIsApprover === 'approveSelf') {
        assignees = assignees.map((a) => (a.userId === initiatorId ? { ...a, autoApproved: 'initiator' } : a));
        notes.push("the initiator's own approval is given automatically (initiatorIsApprover: approveSelf)");
      }
    }
    if (settings.autoPassRepeatedApprover && previousApprovers?.size) {
      const repeated = assignees.filter((a) => !a.autoApproved && previousApprovers.has(a.userId));
      if (repeated.length) {
        assignees = assignees.map((a) => (!a.autoApproved && previousApprovers.has(a.userId) ? { ...a, autoApproved: 'repeated' } : a));
        notes.push(`${repeated.map((a) => a.displayName).join(', ')} already approved the previous step (autoPassRepeatedApprover)`);
      }
    }

    // The step's own rule (dsl/modes.ts, the one the workflow decides steps with), asked with
    // the automatic approvals given and everyone else still to act.
    const votes = assignees.map((a): Vote => (a.autoApproved ? 'approved' : 'pending'));
    const satisfied = decide(step.mode, votes, step.voteThreshold ?? 100) === 'approved';
    if (satisfied) notes.push('the automatic approvals already satisfy the step');
    return { outcome: satisfied ? 'autoApproved' : 'assigned', assignees, notes };
  }
}
