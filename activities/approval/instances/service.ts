/**
 * Approval instances as the API sees them: start one (the published version's definition goes
 * into the workflow input), read its detail from the read model, and send user actions to the
 * workflow as Updates. Tenant-scoped throughout; an instance the caller may not see is "not
 * found", whether it belongs to another tenant or to colleagues outside their reach.
 */
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/knex';
import type { UpdateDefinition } from '@temporalio/common';
import type { Runtime } from '../../runtime';
import { can, type Actor } from '../../../common/actor';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../../common/errors';
import { errorStatus } from '../../../common/error-codes';
import { newId } from '../../../common/ids';
import { ApprovalEvent, ApprovalInstance, ApprovalTask, ApprovalTemplate, ApprovalTemplateVersion, User } from '../../../db/entities';
import { PERMISSIONS } from '../../permission/catalog';
import { startProcess } from '../../../temporal/processes';
import { iterateSteps, selectionSteps, withoutLayout, type Template } from '../../../workflows/approval/dsl';
import { usesWorkingDays } from '../../../workflows/approval/engine/timers';
import {
  APPROVAL,
  REJECTIONS,
  addSignUpdate,
  approveUpdate,
  commentUpdate,
  confirmUpdate,
  delegateUpdate,
  removeSignUpdate,
  takeBackUpdate,
  rejectUpdate,
  resubmitUpdate,
  transferUpdate,
  urgeUpdate,
  withdrawUpdate,
  type ActionResult,
  type ApprovalInput,
  type UserActionKind,
} from '../../../workflows/approval/contract';
import type { approvalWorkflow } from '../../../workflows/approval/workflow';
import type { ApprovalStarted, InstanceDetail, StartApprovalRequest, TaskView, TimelineEvent } from './schema';
import { AssigneeResolver } from '../assignees';
import { checkForm } from '../dry-run';
import { SerialNumbers } from './serials';
import { claimRunningApproval, releaseRunningApproval } from '../../package/quotas';

export const APPROVALS_PREFIX = '/api/v1/approvals';

/** A stable UUID from an idempotency key: a retried start names the same instance (and workflow). */
function uuidFromKey(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const iso = (d: Date | string | number) => new Date(d).toISOString();


export class ApprovalInstanceService {
  constructor(private readonly rt: Runtime) {}

  // ─────────────────────────────────────────── start

  async start(actor: Actor, body: StartApprovalRequest, idempotencyKey?: string): Promise<ApprovalStarted> {
    const { tenantId } = actor;
    const em = this.rt.orm.em;
    const template = await em.findOne(ApprovalTemplate, body.templateId ? { tenantId, id: body.templateId } : { tenantId, key: body.templateKey! });
    if (!template) throw new NotFoundError('template', body.templateId ?? body.templateKey);
    const startable = await this.rt.services.templates.startable(actor, template.id);
    await this.rt.services.approvalCatalog.assertMayStart(actor, startable);
    const { definition, version, key } = startable;

    const resolver = new AssigneeResolver(this.rt);
    const initiator = await resolver.initiator(tenantId, actor.userId, 'initiator');
    const checked = await checkForm(this.rt, tenantId, definition, body.form);
    // Attachments: only files the initiator uploaded; their stored name and size go into the request.
    const files = this.rt.services.files;
    const uses = files.formUses(definition.formSchema, checked);
    const form = files.canonicalForm(definition.formSchema, checked, await files.assertOwn(actor, uses));
    await this.checkSelections(tenantId, definition, body.selections);

    const tenant = await this.rt.services.tenants.current(actor);
    const instanceId = idempotencyKey ? uuidFromKey(`${tenantId}:${actor.userId}:start:${idempotencyKey}`) : newId();
    const workflowId = APPROVAL.workflowId(tenant.code, instanceId);
    const title = body.title ?? `${definition.name} — ${initiator.displayName}`;
    const input: ApprovalInput = {
      tenantId,
      tenantCode: tenant.code,
      instanceId,
      templateId: template.id,
      templateVersion: version,
      definition: withoutLayout(definition),
      title,
      form,
      initiator,
      selections: body.selections,
      submittedAt: new Date().toISOString(),
      // Only templates that count working days carry the calendar (the input stays small otherwise).
      ...(countsWorkingDays(definition) ? { calendar: await this.rt.services.tenantParameters.calendarOf(tenantId) } : {}),
    };
    // A place in the package's running-approvals quota, held until the workflow writes the
    // request's row (a retried start keeps the place it has); given back if it does not start.
    const claimed = await claimRunningApproval(this.rt.orm.em, tenantId, instanceId);
    // Referenced before the start, so the files cannot be deleted under a running request; taken back if it does not start.
    const added = await files.reference(tenantId, uses.map((u) => u.fileId), 'approval', instanceId).catch(async (err: unknown) => {
      if (claimed) await releaseRunningApproval(this.rt.orm.em, tenantId, instanceId);
      throw err;
    });
    const release = async (err: unknown): Promise<never> => {
      await files.unreference(tenantId, { referenceIds: added });
      if (claimed) await releaseRunningApproval(this.rt.orm.em, tenantId, instanceId);
      throw err;
    };
    const client = await this.rt.temporal().catch(release);
    // A retried start (same Idempotency-Key) finds its workflow, running (conflict policy) or finished (kept).
    const startWith = (serialNumber?: string) =>
      startProcess(
        client,
        APPROVAL,
        {
          tenantCode: tenant.code,
          businessKey: instanceId,
          taskQueue: this.rt.config.TEMPORAL_TASK_QUEUE,
          args: [serialNumber ? { ...input, serialNumber } : input],
          template: key,
          initiator: actor.userId,
          status: 'running',
          serialNumber,
          // Ids, the template's name and the serial number only: the title, the form and people's
          // names are personal data and stay out of what the Temporal UI lists (see README, "Data in Temporal").
          summary: `${definition.name} — ${serialNumber ? `${serialNumber} (request ${instanceId})` : `request ${instanceId}`}`,
          details: `Template \`${key}\` v${version}, instance \`${instanceId}\`${serialNumber ? `, serial number \`${serialNumber}\`` : ''}, initiator \`${actor.userId}\``,
        },
        { onAlreadyStarted: 'keep' },
      );
    // A number is taken only for templates with a rule; a retry keeps the number it got first,
    // even if a newer version changed or dropped the rule meanwhile.
    const serials = new SerialNumbers(this.rt);
    const rule = definition.settings.serialRule;
    try {
      let serialNumber = await serials.of(tenantId, instanceId);
      if (serialNumber) await startWith(serialNumber);
      else if (rule) ({ serialNumber } = await serials.assign({ tenantId, templateKey: key, rule, timeZone: tenant.timeZone, instanceId, at: new Date(input.submittedAt) }, startWith));
      else await startWith();
      return { instanceId, workflowId, templateKey: key, templateVersion: version, serialNumber, url: `${APPROVALS_PREFIX}/${instanceId}` };
    } catch (err) {
      return release(err);
    }
  }

  /** Picks only for steps that ask for them, and only active people of the tenant. */
  private async checkSelections(tenantId: string, def: Template, selections: Record<string, string[]>) {
    const allowed = new Set(selectionSteps(def.flow).map((s) => s.id));
    const problems = Object.keys(selections)
      .filter((id) => !allowed.has(id))
      .map((id) => ({ path: `selections.${id}`, message: 'this step does not let the initiator pick people', code: 'not_a_selection_step' }));
    const resolver = new AssigneeResolver(this.rt);
    for (const [stepId, ids] of Object.entries(selections)) {
      const found = new Set((await resolver.activeUsers(tenantId, ids)).map((p) => p.userId));
      ids.forEach((id, i) => found.has(id) || problems.push({ path: `selections.${stepId}.${i}`, message: 'no active user with this id in the tenant', code: 'not_found' }));
    }
    if (problems.length) throw new ValidationError('The selections are not valid', problems);
  }

  // ─────────────────────────────────────────── read

  /** The instance, if the caller may see it: initiator, anyone asked or copied, `approval:view-all` within data scope, or a manager of its template. */
  async visible(actor: Actor, id: string, em: EntityManager = this.rt.orm.em.fork()): Promise<ApprovalInstance> {
    const inst = await em.findOne(ApprovalInstance, { tenantId: actor.tenantId, id });
    if (!inst) throw new NotFoundError('approval', id);
    await this.mustReach(actor, inst, async () => (await em.count(ApprovalTask, { tenantId: actor.tenantId, instanceId: id, assigneeId: actor.userId })) > 0, em);
    return inst;
  }

  /** Who reaches a request: see visible. `holdsTask` answers whether the caller holds one of its tasks. */
  private async mustReach(actor: Actor, inst: ApprovalInstance, holdsTask: () => Promise<boolean>, em: EntityManager): Promise<void> {
    if (inst.initiatorId === actor.userId) return;
    if (await holdsTask()) return;
    if (can(actor, PERMISSIONS.approvalViewAll)) {
      const scope = await this.rt.services.permissions.dataScopeFor(actor);
      if (scope.all || (inst.initiatorDepartmentId && scope.departmentIds.includes(inst.initiatorDepartmentId))) return;
    }
    // A template's managers oversee its requests (the oversight list links here).
    if ((await this.rt.services.templates.managedTemplateIds(actor, em)).includes(inst.templateId)) return;
    throw new NotFoundError('approval', inst.id);
  }

  /**
   * The detail, read first and shown only to whom visible() lets in: the snapshot holds every
   * task of the request, so whether the caller holds one is answered without asking the
   * database again (two statements less than visible() and then detailOf()).
   */
  async detail(actor: Actor, id: string): Promise<InstanceDetail> {
    const snapshot = await this.snapshot(actor.tenantId, id);
    if (!snapshot) throw new NotFoundError('approval', id);
    await this.mustReach(actor, snapshot.inst, async () => snapshot.tasks.some((t) => t.assigneeId === actor.userId), this.rt.orm.em.fork());
    return this.toDetail(actor, snapshot);
  }

  /** The detail of an instance the caller was already found to reach (visible, or in their scope to intervene), read afresh. */
  async detailOf(actor: Actor, inst: ApprovalInstance): Promise<InstanceDetail> {
    // A fresh context (right after an action, the request's identity map would hold stale rows),
    // and one read transaction: the instance row, its tasks and its events come from the same
    // snapshot. Read one by one, a projection batch landing in between showed the new tasks
    // next to the instance's previous current steps. Nothing inside the transaction may take a
    // second pool connection (names, permissions): under load every connection would be held by
    // a transaction waiting for another one, and the pool would deadlock.
    const snapshot = await this.snapshot(actor.tenantId, inst.id);
    if (!snapshot) throw new NotFoundError('approval', inst.id);
    return this.toDetail(actor, snapshot);
  }

  /** The instance row, its tasks and its events from one read transaction (see detailOf); null when there is no such request. */
  private snapshot(tenantId: string, id: string) {
    return this.rt.orm.em.fork().transactional(async (em) => {
      const row = await em.findOne(ApprovalInstance, { tenantId, id });
      if (!row) return null;
      const tasks = await em.find(ApprovalTask, { tenantId, instanceId: row.id }, { orderBy: { position: 'asc' } });
      const events = await em.find(ApprovalEvent, { tenantId, instanceId: row.id }, { orderBy: { seq: 'asc' } });
      return { inst: row, tasks, events };
    });
  }

  private async toDetail(
    actor: Actor,
    { inst, tasks, events }: { inst: ApprovalInstance; tasks: ApprovalTask[]; events: ApprovalEvent[] },
  ): Promise<InstanceDetail> {
    const names = await this.names(actor.tenantId, [inst.initiatorId, ...tasks.map((t) => t.assigneeId), ...events.flatMap((e) => (e.actorId ? [e.actorId] : []))]);
    const person = (userId: string) => ({ userId, displayName: names.get(userId) ?? null });
    const taskViews: TaskView[] = tasks.map((t) => ({
      taskId: t.id,
      stepId: t.stepId,
      stepName: t.stepName,
      kind: t.kind,
      assignee: person(t.assigneeId),
      status: t.status,
      reason: t.reason,
      comment: t.comment,
      round: t.round,
      openedAt: iso(t.openedAt),
      actedAt: t.actedAt ? iso(t.actedAt) : null,
    }));
    const timeline: TimelineEvent[] = events.map((e) => ({
      seq: e.seq,
      type: e.type,
      stepId: e.stepId,
      taskId: e.taskId,
      actor: e.actorId ? person(e.actorId) : null,
      data: e.data,
      at: iso(e.occurredAt),
    }));
    const open = tasks.filter((t) => t.status === 'open');
    return {
      instanceId: inst.id,
      workflowId: inst.workflowId,
      template: { id: inst.templateId, key: inst.templateKey, version: inst.templateVersion, name: inst.templateName },
      serialNumber: inst.serialNumber,
      title: inst.title,
      initiator: person(inst.initiatorId),
      status: inst.status,
      form: inst.form,
      round: inst.round,
      currentSteps: inst.currentStepIds.map((stepId) => ({
        stepId,
        stepName: tasks.find((t) => t.stepId === stepId)?.stepName ?? stepId,
        holders: open.filter((t) => t.stepId === stepId).map((t) => ({ ...person(t.assigneeId), taskId: t.id })),
      })),
      tasks: taskViews,
      timeline,
      submittedAt: iso(inst.submittedAt),
      finishedAt: inst.finishedAt ? iso(inst.finishedAt) : null,
    };
  }

  async names(tenantId: string, ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const users = await this.rt.orm.em.fork().find(User, { tenantId, id: { $in: unique } }, { fields: ['id', 'displayName'] });
    return new Map(users.map((u) => [u.id, u.displayName]));
  }

  // ─────────────────────────────────────────── actions

  /**
   * Send one action to the workflow. The Idempotency-Key becomes the Update id (per caller and
   * action), so a repeated request returns the first one's answer and has no second effect.
   */
  async act(
    actor: Actor,
    id: string,
    action: UserActionKind,
    args: { taskId?: string; comment?: string; toUserId?: string; form?: Record<string, unknown>; userIds?: string[]; position?: 'before' | 'after' },
    idempotencyKey?: string,
  ): Promise<InstanceDetail> {
    const inst = await this.visible(actor, id);
    if (action === 'transfer' || action === 'delegate') await this.checkPeople(actor.tenantId, [args.toUserId!], 'toUserId');
    if (action === 'addSign') await this.checkPeople(actor.tenantId, args.userIds!, 'userIds');
    // Nobody approves their own request: moving or adding a task to the initiator is refused.
    if ((action === 'transfer' || action === 'delegate') && args.toUserId === inst.initiatorId) {
      throw new ValidationError('The initiator cannot approve their own request', [{ path: 'body.toUserId', message: 'is the initiator of this request', code: 'initiator_not_allowed' }], 'initiator_cannot_approve');
    }
    if (action === 'addSign' && args.userIds!.includes(inst.initiatorId)) {
      const i = args.userIds!.indexOf(inst.initiatorId);
      throw new ValidationError('The initiator cannot approve their own request', [{ path: `body.userIds.${i}`, message: 'is the initiator of this request', code: 'initiator_not_allowed' }], 'initiator_cannot_approve');
    }
    let form = args.form;
    let added: string[] = [];
    if (action === 'resubmit' && form) {
      const version = await this.rt.orm.em.fork().findOne(ApprovalTemplateVersion, { tenantId: actor.tenantId, templateId: inst.templateId, version: inst.templateVersion });
      if (!version) throw new ConflictError('template_version_missing', 'The template version of this request no longer exists');
      const checked = await checkForm(this.rt, actor.tenantId, version.definition, form);
      const files = this.rt.services.files;
      const uses = files.formUses(version.definition.formSchema, checked);
      form = files.canonicalForm(version.definition.formSchema, checked, await files.assertOwn(actor, uses));
      // Earlier rounds' files stay referenced: the timeline still shows those submissions.
      added = await files.reference(actor.tenantId, uses.map((u) => u.fileId), 'approval', id);
    }
    const base = { actorId: actor.userId, ...(args.comment ? { comment: args.comment } : {}) };
    const client = await this.rt.temporal();
    const handle = client.workflow.getHandle<typeof approvalWorkflow>(inst.workflowId);
    const updateId = idempotencyKey ? `${actor.userId}:${action}:${args.taskId ?? ''}:${idempotencyKey}` : newId();
    const run = <A>(def: UpdateDefinition<ActionResult, [A]>, arg: A) => handle.executeUpdate(def, { args: [arg], updateId });
    try {
      switch (action) {
        case 'approve':
          await run(approveUpdate, { ...base, taskId: args.taskId! });
          break;
        case 'reject':
          await run(rejectUpdate, { ...base, taskId: args.taskId! });
          break;
        case 'transfer':
          await run(transferUpdate, { ...base, taskId: args.taskId!, toUserId: args.toUserId! });
          break;
        case 'comment':
          await run(commentUpdate, { ...base, ...(args.taskId ? { taskId: args.taskId } : {}) });
          break;
        case 'withdraw':
          await run(withdrawUpdate, base);
          break;
        case 'resubmit':
          await run(resubmitUpdate, { ...base, ...(form ? { form } : {}) });
          break;
        case 'urge':
          await run(urgeUpdate, base);
          break;
        case 'addSign':
          await run(addSignUpdate, { ...base, taskId: args.taskId!, userIds: args.userIds!, position: args.position! });
          break;
        case 'removeSign':
          await run(removeSignUpdate, { ...base, taskId: args.taskId! });
          break;
        case 'delegate':
          await run(delegateUpdate, { ...base, taskId: args.taskId!, toUserId: args.toUserId! });
          break;
        case 'confirm':
          await run(confirmUpdate, { ...base, taskId: args.taskId! });
          break;
        case 'takeBack':
          await run(takeBackUpdate, { ...base, taskId: args.taskId! });
          break;
        default: {
          // Every user action of the contract has a case above: adding one to USER_ACTIONS fails here until it does.
          const unhandled: never = action;
          throw new Error(`Unknown approval action ${String(unhandled)}`);
        }
      }
    } catch (err) {
      // A refused resubmission attaches nothing.
      await this.rt.services.files.unreference(actor.tenantId, { referenceIds: added });
      throw refusalOf(err);
    }
    return this.detail(actor, id);
  }

  /** People a task is handed or added to: active users of the caller's tenant. */
  async checkPeople(tenantId: string, userIds: string[], path: 'toUserId' | 'userIds') {
    const found = new Set((await new AssigneeResolver(this.rt).activeUsers(tenantId, userIds)).map((p) => p.userId));
    const problems = userIds
      .map((id, i) => ({ id, path: path === 'toUserId' ? path : `${path}.${i}` }))
      .filter(({ id }) => !found.has(id))
      .map(({ path: at }) => ({ path: at, message: 'no active user with this id in the tenant', code: 'not_found' }));
    if (problems.length) throw new ValidationError(path === 'toUserId' ? 'Cannot hand the task to this user' : 'Cannot add these signers', problems);
  }
}

/** A validator's refusal (or a finished workflow) in request terms: 409 when the state moved on, 422 otherwise. */
export function refusalOf(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type && err.cause.type in REJECTIONS) {
    const code = err.cause.type as keyof typeof REJECTIONS;
    // Every rejection code is catalogued (tsc checks it here); its status comes from the catalogue
    // (409 for a 'conflict' rejection, 422 otherwise, 404 for task_not_found: test/unit/common/error-codes.test.ts).
    return new AppError(errorStatus(code), code, err.cause.message);
  }
  // Updates cannot reach a closed workflow: the request is over.
  if (err instanceof WorkflowNotFoundError) return new ConflictError('instance_finished', 'The request is already finished');
  return err;
}

/** Whether any approval step of the template has a reminder or timeout in working days. */
function countsWorkingDays(def: Template): boolean {
  for (const { step } of iterateSteps(def.flow)) if (step.kind === 'approval' && usesWorkingDays(step.time)) return true;
  return false;
}
