/**
 * Pure fixtures for the approval engine's unit tests: a template parsed by the real DSL schema
 * (defaults filled in, as the workflow receives it) and an instance state built outside a
 * workflow. Nothing here talks to Temporal or a database.
 */
import { TemplateDefinition, type ApprovalStep, type StepInput, type Template } from '../../../workflows/approval/dsl';
import type { ApprovalInput } from '../../../workflows/approval/contract';
import { ApprovalInstanceState, type TaskState } from '../../../workflows/approval/engine/instance';
import { openStep } from '../../../workflows/approval/engine/step-runs';

export const INITIATOR = 'alice';

/** An approval step as authors write it; the engine does not resolve the rule (an activity does). */
export const approvalStep = (id: string, extra: Partial<StepInput & { kind: 'approval' }> = {}): StepInput =>
  ({ kind: 'approval', id, name: `Step ${id}`, assignees: { type: 'role', roleCodes: ['approver'] }, ...extra }) as StepInput;

export function template(flow: StepInput[], extra: Record<string, unknown> = {}): Template {
  return TemplateDefinition.parse({ key: 'trip', name: 'Business trip', category: 'general', flow, ...extra });
}

export function inputFor(definition: Template, form: Record<string, unknown> = {}): ApprovalInput {
  return {
    tenantId: 'tenant-1',
    tenantCode: 'acme',
    instanceId: 'instance-1',
    templateId: 'template-1',
    templateVersion: 1,
    definition,
    title: 'Trip to Berlin',
    form,
    initiator: { userId: INITIATOR, displayName: 'Alice', departmentId: 'd-sales', roleCodes: ['employee'], positionCode: 'rep' },
    selections: {},
    submittedAt: '2025-03-01T09:00:00.000Z',
  };
}

/** A fresh instance state, as the workflow builds it (with today's patches on). */
export function stateOf(flow: StepInput[], extra: Record<string, unknown> = {}): ApprovalInstanceState {
  return new ApprovalInstanceState(inputFor(template(flow, extra)), { workflowId: 'approval:acme:instance-1', readyStrandsAreBusy: true, projectLocally: true });
}

export const stepOf = (s: ApprovalInstanceState, id: string): ApprovalStep => {
  const step = s.input.definition.flow.find((x) => x.id === id);
  if (!step || step.kind !== 'approval') throw new Error(`no approval step ${id}`);
  return step;
};

/** Open an approval step for people (none approved automatically unless named in `auto`). */
export function open(s: ApprovalInstanceState, stepId: string, people: string[], auto: Record<string, 'initiator' | 'repeated'> = {}) {
  return openStep(
    s,
    stepOf(s, stepId),
    people.map((userId) => ({ userId, displayName: userId, autoApproved: auto[userId] ?? null })),
  );
}

/** The task a person holds in a step (the newest one, after transfers). */
export function taskOf(s: ApprovalInstanceState, stepId: string, userId: string): TaskState {
  const found = [...s.tasks.values()].filter((t) => t.stepId === stepId && t.assigneeId === userId).pop();
  if (!found) throw new Error(`${userId} holds no task in ${stepId}`);
  return found;
}

/** `userId:status` of a step's tasks, in creation order. */
export const statuses = (s: ApprovalInstanceState, stepId: string) =>
  [...s.tasks.values()].filter((t) => t.stepId === stepId).map((t) => `${t.assigneeId}:${t.status}`);
