/**
 * Preset approval templates every tenant starts with, each published as version 1 so requests
 * can start at once, and each showing different parts of the DSL:
 *  - leave: a condition on a number field, department head, HR role, reminders and timeout
 *    escalation, return to the initiator, initiator skipped, repeated approver auto-pass;
 *  - expense: money, attachments, countersign (`all`) above a threshold, cc to the manager,
 *    the initiator's own approval given automatically;
 *  - access request: department head then a tenant admin, and an outcome hook starting the
 *    role-grant saga as a child workflow with an input mapping;
 *  - IT equipment: parallel IT and budget approvals, fallback assignee when nobody holds a role.
 *
 * Idempotent: a template whose key exists is left alone (an admin may have edited it). The
 * roles the presets route to are created when missing, without permissions.
 */
import type { EntityManager } from '@mikro-orm/knex';
import { newId } from '../common/ids';
import { ApprovalTemplate, ApprovalTemplateVersion, Role, UserRole } from './entities';
import { TemplateDefinition, type TemplateInput } from '../workflows/approval/dsl';
import { checkReferences, checkTemplate } from '../activities/approval/validate-template';

/** Roles the presets name besides the built-in ones. */
export const PRESET_ROLES = [
  { code: 'finance', name: 'Finance approver', description: 'Approves expenses and budgets in approval templates' },
  { code: 'it', name: 'IT support', description: 'Approves IT equipment requests' },
] as const;

const REMIND_AND_ESCALATE = {
  remindAfter: '24h',
  remindEvery: '24h',
  remindMaxTimes: 3,
  timeoutAfter: 'P3D',
  timeoutAction: { type: 'escalate', to: 'manager' },
} as const;

export const PRESET_TEMPLATES: TemplateInput[] = [
  {
    key: 'leave',
    name: 'Leave request',
    category: 'hr',
    description: 'Time off. The department head approves; HR also approves leave longer than three days.',
    formSchema: {
      fields: [
        {
          id: 'leaveType',
          label: 'Type of leave',
          type: 'select',
          required: true,
          options: [
            { value: 'annual', label: 'Annual leave' },
            { value: 'sick', label: 'Sick leave' },
            { value: 'unpaid', label: 'Unpaid leave' },
            { value: 'other', label: 'Other' },
          ],
        },
        { id: 'period', label: 'Period', type: 'dateRange', required: true, min: 1, max: 90 },
        { id: 'days', label: 'Working days', type: 'number', required: true, min: 0.5, max: 60 },
        { id: 'reason', label: 'Reason', type: 'textarea', max: 2000 },
      ],
    },
    settings: { initiatorIsApprover: 'skip', autoPassRepeatedApprover: true, resubmitFrom: 'start' },
    flow: [
      {
        kind: 'condition',
        id: 'duration',
        name: 'Length of the leave',
        branches: [
          {
            id: 'long',
            name: 'More than 3 days',
            when: { field: 'form.days', op: '>', value: 3 },
            steps: [
              {
                kind: 'approval',
                id: 'head_long',
                name: 'Department head',
                assignees: { type: 'departmentHead', level: 1 },
                mode: 'any',
                emptyAssignee: { type: 'assignTo', roleCodes: ['hr'] },
                onReject: { type: 'returnToInitiator' },
                time: REMIND_AND_ESCALATE,
              },
              {
                kind: 'approval',
                id: 'hr_review',
                name: 'HR review',
                assignees: { type: 'role', roleCodes: ['hr'] },
                mode: 'any',
                emptyAssignee: { type: 'assignTo', roleCodes: ['tenant_admin'] },
                onReject: { type: 'returnToStep', stepId: 'head_long' },
                time: REMIND_AND_ESCALATE,
              },
            ],
          },
        ],
        default: {
          id: 'short',
          name: 'Up to 3 days',
          steps: [
            {
              kind: 'approval',
              id: 'head_short',
              name: 'Department head',
              assignees: { type: 'departmentHead', level: 1 },
              mode: 'any',
              emptyAssignee: { type: 'assignTo', roleCodes: ['hr'] },
              onReject: { type: 'returnToInitiator' },
              time: REMIND_AND_ESCALATE,
            },
          ],
        },
      },
    ],
  },
  {
    key: 'expense',
    name: 'Expense claim',
    category: 'finance',
    description: 'Reimbursement of business expenses. Finance checks every claim; above 5000 every finance approver countersigns. The manager is kept informed.',
    formSchema: {
      fields: [
        { id: 'amount', label: 'Amount', type: 'money', required: true, min: 0.01, max: 1_000_000, currency: 'EUR' },
        { id: 'purpose', label: 'Purpose', type: 'text', required: true, max: 200 },
        { id: 'spentOn', label: 'Date of the expense', type: 'date', required: true },
        { id: 'receipts', label: 'Receipts', type: 'attachments', required: true, min: 1, max: 20 },
      ],
    },
    settings: { initiatorIsApprover: 'approveSelf', autoPassRepeatedApprover: false, resubmitFrom: 'returningStep' },
    flow: [
      {
        kind: 'condition',
        id: 'amount_check',
        name: 'Amount',
        branches: [
          {
            id: 'large',
            name: 'Above 5000',
            when: { field: 'form.amount', op: '>', value: 5000 },
            steps: [
              {
                kind: 'approval',
                id: 'finance_countersign',
                name: 'Finance countersign',
                assignees: { type: 'role', roleCodes: ['finance'] },
                mode: 'all',
                emptyAssignee: { type: 'assignTo', roleCodes: ['tenant_admin'] },
                onReject: { type: 'returnToInitiator' },
                time: { remindAfter: '48h', remindEvery: '24h', remindMaxTimes: 2 },
              },
            ],
          },
        ],
        default: {
          id: 'regular',
          name: 'Up to 5000',
          steps: [
            {
              kind: 'approval',
              id: 'finance_check',
              name: 'Finance check',
              assignees: { type: 'role', roleCodes: ['finance'] },
              mode: 'any',
              emptyAssignee: { type: 'assignTo', roleCodes: ['tenant_admin'] },
              onReject: { type: 'returnToInitiator' },
            },
          ],
        },
      },
      { kind: 'cc', id: 'notify_manager', name: 'Inform the manager', recipients: { type: 'managerChain', upToLevel: 1 } },
    ],
  },
  {
    key: 'access-request',
    name: 'Access request',
    category: 'access',
    description: 'Ask for a role. The department head and then a tenant administrator approve; the role is granted by the role-grant saga.',
    formSchema: {
      fields: [
        { id: 'roleCode', label: 'Role code', type: 'text', required: true, min: 2, max: 64 },
        { id: 'justification', label: 'Why do you need it?', type: 'textarea', required: true, max: 2000 },
        { id: 'until', label: 'Needed until', type: 'date' },
      ],
    },
    settings: { initiatorIsApprover: 'skip', autoPassRepeatedApprover: true, resubmitFrom: 'start' },
    flow: [
      {
        kind: 'approval',
        id: 'head',
        name: 'Department head',
        assignees: { type: 'departmentHead', level: 1 },
        mode: 'any',
        emptyAssignee: { type: 'assignTo', roleCodes: ['tenant_admin'] },
        onReject: { type: 'rejectInstance' },
      },
      {
        kind: 'approval',
        id: 'admin',
        name: 'Tenant administrator',
        assignees: { type: 'role', roleCodes: ['tenant_admin'] },
        mode: 'any',
        emptyAssignee: { type: 'fail' },
        onReject: { type: 'returnToStep', stepId: 'head' },
        time: { timeoutAfter: 'P5D', timeoutAction: { type: 'notifyAdmin' } },
      },
    ],
    hooks: {
      onApproved: [
        {
          kind: 'childWorkflow',
          workflowType: 'grantRoleSaga',
          input: {
            userId: { ref: 'initiator.id' },
            roleCode: { ref: 'form.roleCode' },
            until: { ref: 'form.until' },
            requestId: { ref: 'instance.id' },
          },
        },
      ],
    },
  },
  {
    key: 'it-equipment',
    name: 'IT equipment',
    category: 'it',
    description: 'Hardware requests. After the department head, IT and finance review at the same time.',
    formSchema: {
      fields: [
        {
          id: 'item',
          label: 'Item',
          type: 'select',
          required: true,
          options: [
            { value: 'laptop', label: 'Laptop' },
            { value: 'monitor', label: 'Monitor' },
            { value: 'phone', label: 'Phone' },
            { value: 'peripheral', label: 'Peripheral' },
          ],
        },
        { id: 'estimatedCost', label: 'Estimated cost', type: 'money', required: true, min: 0, max: 100_000, currency: 'EUR' },
        { id: 'justification', label: 'Justification', type: 'textarea', required: true, max: 2000 },
        { id: 'neededBy', label: 'Needed by', type: 'date' },
      ],
    },
    settings: { initiatorIsApprover: 'skip', autoPassRepeatedApprover: true, resubmitFrom: 'start' },
    flow: [
      {
        kind: 'approval',
        id: 'head',
        name: 'Department head',
        assignees: { type: 'departmentHead', level: 1 },
        mode: 'any',
        emptyAssignee: { type: 'assignTo', roleCodes: ['tenant_admin'] },
      },
      {
        kind: 'parallel',
        id: 'reviews',
        name: 'IT and budget review',
        branches: [
          {
            id: 'it_branch',
            name: 'IT',
            steps: [
              {
                kind: 'approval',
                id: 'it_review',
                name: 'IT review',
                assignees: { type: 'role', roleCodes: ['it'] },
                mode: 'any',
                // A tenant without IT staff still gets an answer: the administrators decide.
                emptyAssignee: { type: 'assignTo', roleCodes: ['tenant_admin'] },
              },
            ],
          },
          {
            id: 'budget_branch',
            name: 'Budget',
            steps: [
              {
                kind: 'approval',
                id: 'budget_review',
                name: 'Budget review',
                assignees: { type: 'role', roleCodes: ['finance'] },
                mode: 'any',
                emptyAssignee: { type: 'assignTo', roleCodes: ['tenant_admin'] },
              },
            ],
          },
        ],
      },
    ],
  },
];

export interface PresetSeedOptions {
  /** Give preset roles to these users (by role code), e.g. the demo's finance head. */
  roleMembers?: Partial<Record<(typeof PRESET_ROLES)[number]['code'], string[]>>;
  /** Recorded as the publisher of version 1. */
  publishedBy?: string;
}

/** Seed the preset roles and templates of a tenant. Returns the keys of the templates created. */
export async function seedPresetTemplates(em: EntityManager, tenantId: string, opts: PresetSeedOptions = {}): Promise<string[]> {
  for (const r of PRESET_ROLES) {
    const role = (await em.findOne(Role, { tenantId, code: r.code })) ?? em.create(Role, { id: newId(), tenantId, code: r.code, name: r.name, description: r.description, dataScope: 'self' });
    for (const userId of opts.roleMembers?.[r.code] ?? []) {
      if (!(await em.count(UserRole, { tenantId, userId, roleId: role.id }))) em.create(UserRole, { id: newId(), tenantId, userId, roleId: role.id });
    }
    await em.flush();
  }

  const created: string[] = [];
  for (const preset of PRESET_TEMPLATES) {
    if (await em.count(ApprovalTemplate, { tenantId, key: preset.key })) continue;
    const definition = TemplateDefinition.parse(preset);
    // A preset that would not pass publishing is a bug here, not something to seed.
    const problems = [...checkTemplate(definition), ...(await checkReferences(em, tenantId, definition))];
    if (problems.length) throw new Error(`Preset template ${preset.key} is invalid: ${JSON.stringify(problems)}`);
    const template = em.create(ApprovalTemplate, {
      id: newId(),
      tenantId,
      key: definition.key,
      name: definition.name,
      category: definition.category,
      description: definition.description,
      draft: definition,
      latestVersion: 1,
      draftDirty: false,
      createdBy: opts.publishedBy ?? 'system',
    });
    em.create(ApprovalTemplateVersion, {
      id: newId(),
      tenantId,
      templateId: template.id,
      version: 1,
      name: definition.name,
      definition,
      publishedBy: opts.publishedBy ?? 'system',
    });
    await em.flush();
    created.push(definition.key);
  }
  return created;
}
