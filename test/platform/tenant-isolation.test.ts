/**
 * Tenant isolation, as a matrix over the whole API: every route that takes an id is called by
 * tenant B's administrator (who holds every permission) with tenant A's ids, and must answer 404
 * without changing anything of tenant A. Every listing of B must contain nothing of A.
 *
 * The matrix is driven by the route table itself: a new route with an id parameter that is not
 * listed here fails the coverage test, so isolation is checked for every endpoint, not examples.
 */
import { modules } from '../../api/modules';
import { createTenant, createTestRuntime, DEMO, inContext, startTestApi, tokenFor, type TenantFixture, type TestApi } from '../harness/harness';
import type { Runtime } from '../../activities/runtime';
import {
  Announcement,
  ApiKey,
  ApprovalInstance,
  ApprovalTask,
  ApprovalTemplate,
  ApprovalTemplateVersion,
  DailyPlan,
  DailyPlanItem,
  Department,
  DictionaryGroup,
  DictionaryItem,
  InAppMessage,
  Menu,
  Position,
  RefreshToken,
  Role,
  StoredFile,
  Todo,
  User,
  UserRole,
} from '../../db/entities';
import { TEMPLATES, baseTemplate } from '../approval/helpers';
import { newId } from '../../common/ids';

type Ids = {
  a: TenantFixture;
  b: TenantFixture;
  aMenuId: string;
  aApiKeyId: string;
  aTemplateId: string;
  /** Rows of tenant A's admin in the support module. */
  aMessageId: string;
  aTodoId: string;
  aAnnouncementId: string;
  aPlanItemId: string;
  /** A request of tenant A in the approval read model, and its open task. */
  aApprovalId: string;
  aApprovalTaskId: string;
  /** A signed-in session (refresh-token family) of tenant A's alice. */
  aSessionId: string;
  /** A file tenant A's admin uploaded. */
  aFileId: string;
  /** Tenant A's own dictionary with one item, and A's item added to a platform dictionary. */
  aDictionaryId: string;
  aDictionaryItemId: string;
  platformDictionaryId: string;
  aPlatformItemId: string;
};
/** The day tenant A has a plan on (tenant B has none): B asking for it must get 404. */
const PLAN_DAY = '2020-02-02';
interface Case {
  /** Path with tenant A's ids filled in. */
  path: (ids: Ids) => string;
  /** A body that would be valid for tenant B's own resource (so only the id decides). */
  body?: (ids: Ids) => unknown;
}

const MATRIX: Record<string, Case> = {
  'GET /api/v1/api-keys/:id': { path: (i) => `/api/v1/api-keys/${i.aApiKeyId}` },
  'DELETE /api/v1/api-keys/:id': { path: (i) => `/api/v1/api-keys/${i.aApiKeyId}` },
  'GET /api/v1/departments/:id': { path: (i) => `/api/v1/departments/${i.a.departments.eng.id}` },
  'PATCH /api/v1/departments/:id': { path: (i) => `/api/v1/departments/${i.a.departments.eng.id}`, body: () => ({ name: 'Hijacked' }) },
  'POST /api/v1/departments/:id/move': { path: (i) => `/api/v1/departments/${i.a.departments.platform.id}/move`, body: () => ({ parentId: null }) },
  'DELETE /api/v1/departments/:id': { path: (i) => `/api/v1/departments/${i.a.departments.platform.id}` },
  'GET /api/v1/departments/:id/subtree': { path: (i) => `/api/v1/departments/${i.a.departments.head.id}/subtree` },
  'GET /api/v1/departments/:id/members': { path: (i) => `/api/v1/departments/${i.a.departments.head.id}/members` },
  'GET /api/v1/dictionaries/:id': { path: (i) => `/api/v1/dictionaries/${i.aDictionaryId}` },
  'PATCH /api/v1/dictionaries/:id': { path: (i) => `/api/v1/dictionaries/${i.aDictionaryId}`, body: () => ({ name: 'Hijacked' }) },
  'DELETE /api/v1/dictionaries/:id': { path: (i) => `/api/v1/dictionaries/${i.aDictionaryId}` },
  'GET /api/v1/dictionaries/:id/items': { path: (i) => `/api/v1/dictionaries/${i.aDictionaryId}/items` },
  'POST /api/v1/dictionaries/:id/items': { path: (i) => `/api/v1/dictionaries/${i.aDictionaryId}/items`, body: () => ({ code: 'hijack', labels: { en: 'Hijack' } }) },
  // A's item on a platform dictionary B sees too: the group is shared, the item is not.
  'GET /api/v1/dictionaries/:id/items/:itemId': { path: (i) => `/api/v1/dictionaries/${i.platformDictionaryId}/items/${i.aPlatformItemId}` },
  'PATCH /api/v1/dictionaries/:id/items/:itemId': { path: (i) => `/api/v1/dictionaries/${i.platformDictionaryId}/items/${i.aPlatformItemId}`, body: () => ({ enabled: false }) },
  'DELETE /api/v1/dictionaries/:id/items/:itemId': { path: (i) => `/api/v1/dictionaries/${i.platformDictionaryId}/items/${i.aPlatformItemId}` },
  'GET /api/v1/positions/:id': { path: (i) => `/api/v1/positions/${i.a.positions.engineer.id}` },
  'PATCH /api/v1/positions/:id': { path: (i) => `/api/v1/positions/${i.a.positions.engineer.id}`, body: () => ({ name: 'Hijacked' }) },
  'DELETE /api/v1/positions/:id': { path: (i) => `/api/v1/positions/${i.a.positions.ceo.id}` },
  'GET /api/v1/users/:id': { path: (i) => `/api/v1/users/${i.a.users.alice.id}` },
  'PATCH /api/v1/users/:id': { path: (i) => `/api/v1/users/${i.a.users.alice.id}`, body: () => ({ displayName: 'Hijacked' }) },
  'DELETE /api/v1/users/:id': { path: (i) => `/api/v1/users/${i.a.users.alice.id}` },
  'POST /api/v1/users/:id/disable': { path: (i) => `/api/v1/users/${i.a.users.alice.id}/disable` },
  'POST /api/v1/users/:id/enable': { path: (i) => `/api/v1/users/${i.a.users.alice.id}/enable` },
  'POST /api/v1/users/:id/reset-password': { path: (i) => `/api/v1/users/${i.a.users.alice.id}/reset-password`, body: () => ({ newPassword: 'Hijacked-pass-123' }) },
  'GET /api/v1/users/:id/manager-chain': { path: (i) => `/api/v1/users/${i.a.users.alice.id}/manager-chain` },
  'GET /api/v1/users/:id/sessions': { path: (i) => `/api/v1/users/${i.a.users.alice.id}/sessions` },
  'DELETE /api/v1/users/:id/sessions/:sessionId': { path: (i) => `/api/v1/users/${i.a.users.alice.id}/sessions/${i.aSessionId}` },
  'POST /api/v1/users/:id/sessions/revoke-all': { path: (i) => `/api/v1/users/${i.a.users.alice.id}/sessions/revoke-all` },
  // B's own session route with A's session id: not B's, so not found.
  'DELETE /api/v1/me/sessions/:sessionId': { path: (i) => `/api/v1/me/sessions/${i.aSessionId}` },
  'GET /api/v1/provisioning/:workflowId': { path: (i) => `/api/v1/provisioning/${encodeURIComponent(`provision:${i.a.tenantCode}:alice`)}` },
  'GET /api/v1/onboarding/:id': { path: (i) => `/api/v1/onboarding/${encodeURIComponent(`onboarding:${i.a.tenantCode}:alice`)}` },
  'POST /api/v1/onboarding/:id/cancel': { path: (i) => `/api/v1/onboarding/${encodeURIComponent(`onboarding:${i.a.tenantCode}:alice`)}/cancel`, body: () => ({ reason: 'hijack' }) },
  'POST /api/v1/onboarding/:id/checklist/:itemId/done': { path: (i) => `/api/v1/onboarding/${encodeURIComponent(`onboarding:${i.a.tenantCode}:alice`)}/checklist/equipment/done` },
  'GET /api/v1/roles/:id': { path: (i) => `/api/v1/roles/${i.a.roles.hr.id}` },
  'PUT /api/v1/roles/:id': { path: (i) => `/api/v1/roles/${i.a.roles.hr.id}`, body: () => ({ name: 'Hijacked', dataScope: 'all', permissions: [] }) },
  'DELETE /api/v1/roles/:id': { path: (i) => `/api/v1/roles/${i.a.roles.hr.id}` },
  'GET /api/v1/roles/:id/users': { path: (i) => `/api/v1/roles/${i.a.roles.hr.id}/users` },
  'POST /api/v1/roles/:id/users': { path: (i) => `/api/v1/roles/${i.a.roles.hr.id}/users`, body: (i) => ({ userIds: [i.b.users.alice.id] }) },
  'DELETE /api/v1/roles/:id/users/:userId': { path: (i) => `/api/v1/roles/${i.a.roles.hr.id}/users/${i.a.users.harry.id}` },
  'PUT /api/v1/users/:userId/roles': { path: (i) => `/api/v1/users/${i.a.users.alice.id}/roles`, body: (i) => ({ roleIds: [i.b.roles.employee.id] }) },
  'GET /api/v1/menus/:id': { path: (i) => `/api/v1/menus/${i.aMenuId}` },
  'PATCH /api/v1/menus/:id': { path: (i) => `/api/v1/menus/${i.aMenuId}`, body: () => ({ name: 'Hijacked' }) },
  'DELETE /api/v1/menus/:id': { path: (i) => `/api/v1/menus/${i.aMenuId}` },
  'GET /api/v1/approval-templates/:id': { path: (i) => `${TEMPLATES}/${i.aTemplateId}` },
  'GET /api/v1/approval-catalog/:id': { path: (i) => `/api/v1/approval-catalog/${i.aTemplateId}` },
  'POST /api/v1/approval-catalog/:id/preview': { path: (i) => `/api/v1/approval-catalog/${i.aTemplateId}/preview`, body: () => ({ form: {} }) },
  'GET /api/v1/directory/people/:id': { path: (i) => `/api/v1/directory/people/${i.a.users.alice.id}` },
  'PUT /api/v1/approval-templates/:id': { path: (i) => `${TEMPLATES}/${i.aTemplateId}`, body: () => baseTemplate('hijacked') },
  'DELETE /api/v1/approval-templates/:id': { path: (i) => `${TEMPLATES}/${i.aTemplateId}` },
  'POST /api/v1/approval-templates/:id/validate': { path: (i) => `${TEMPLATES}/${i.aTemplateId}/validate` },
  'POST /api/v1/approval-templates/:id/publish': { path: (i) => `${TEMPLATES}/${i.aTemplateId}/publish` },
  'GET /api/v1/approval-templates/:id/versions': { path: (i) => `${TEMPLATES}/${i.aTemplateId}/versions` },
  'GET /api/v1/approval-templates/:id/versions/:version': { path: (i) => `${TEMPLATES}/${i.aTemplateId}/versions/1` },
  'POST /api/v1/approval-templates/:id/disable': { path: (i) => `${TEMPLATES}/${i.aTemplateId}/disable` },
  'POST /api/v1/approval-templates/:id/enable': { path: (i) => `${TEMPLATES}/${i.aTemplateId}/enable` },
  'GET /api/v1/approval-templates/:id/managers': { path: (i) => `${TEMPLATES}/${i.aTemplateId}/managers` },
  'PUT /api/v1/approval-templates/:id/managers': { path: (i) => `${TEMPLATES}/${i.aTemplateId}/managers`, body: (i) => ({ userIds: [i.b.users.alice.id] }) },
  'POST /api/v1/approval-templates/:id/dry-run': {
    path: (i) => `${TEMPLATES}/${i.aTemplateId}/dry-run`,
    body: (i) => ({ form: { leaveType: 'annual', days: 2 }, initiatorUserId: i.b.users.alice.id }),
  },
  'GET /api/v1/messages/:id': { path: (i) => `/api/v1/messages/${i.aMessageId}` },
  'POST /api/v1/messages/:id/read': { path: (i) => `/api/v1/messages/${i.aMessageId}/read` },
  'POST /api/v1/messages/:id/unread': { path: (i) => `/api/v1/messages/${i.aMessageId}/unread` },
  'DELETE /api/v1/messages/:id': { path: (i) => `/api/v1/messages/${i.aMessageId}` },
  'GET /api/v1/todos/:id': { path: (i) => `/api/v1/todos/${i.aTodoId}` },
  'PATCH /api/v1/todos/:id': { path: (i) => `/api/v1/todos/${i.aTodoId}`, body: () => ({ title: 'Hijacked' }) },
  'POST /api/v1/todos/:id/complete': { path: (i) => `/api/v1/todos/${i.aTodoId}/complete` },
  'POST /api/v1/todos/:id/reopen': { path: (i) => `/api/v1/todos/${i.aTodoId}/reopen` },
  'DELETE /api/v1/todos/:id': { path: (i) => `/api/v1/todos/${i.aTodoId}` },
  'GET /api/v1/plans/:date': { path: () => `/api/v1/plans/${PLAN_DAY}` },
  'PUT /api/v1/plans/:date': { path: () => `/api/v1/plans/${PLAN_DAY}`, body: (i) => ({ items: [{ id: i.aPlanItemId, text: 'Hijacked' }] }) },
  'POST /api/v1/plans/:date/items/:itemId/done': { path: (i) => `/api/v1/plans/${PLAN_DAY}/items/${i.aPlanItemId}/done` },
  'GET /api/v1/announcements/:id': { path: (i) => `/api/v1/announcements/${i.aAnnouncementId}` },
  'PATCH /api/v1/announcements/:id': { path: (i) => `/api/v1/announcements/${i.aAnnouncementId}`, body: () => ({ title: 'Hijacked' }) },
  'POST /api/v1/announcements/:id/publish': { path: (i) => `/api/v1/announcements/${i.aAnnouncementId}/publish` },
  'DELETE /api/v1/announcements/:id': { path: (i) => `/api/v1/announcements/${i.aAnnouncementId}` },
  'POST /api/v1/announcements/:id/read': { path: (i) => `/api/v1/announcements/${i.aAnnouncementId}/read` },
  'GET /api/v1/announcements/:id/receipts': { path: (i) => `/api/v1/announcements/${i.aAnnouncementId}/receipts` },
  'GET /api/v1/approvals/:id': { path: (i) => `/api/v1/approvals/${i.aApprovalId}` },
  'GET /api/v1/approvals/:id/graph': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/graph` },
  'POST /api/v1/approvals/:id/tasks/:taskId/approve': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/tasks/${i.aApprovalTaskId}/approve`, body: () => ({}) },
  'POST /api/v1/approvals/:id/tasks/:taskId/reject': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/tasks/${i.aApprovalTaskId}/reject`, body: () => ({}) },
  'POST /api/v1/approvals/:id/tasks/:taskId/transfer': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/tasks/${i.aApprovalTaskId}/transfer`, body: (i) => ({ toUserId: i.b.users.alice.id }) },
  'POST /api/v1/approvals/:id/tasks/:taskId/add-sign': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/tasks/${i.aApprovalTaskId}/add-sign`, body: (i) => ({ userIds: [i.b.users.alice.id], position: 'before' }) },
  'POST /api/v1/approvals/:id/tasks/:taskId/remove-sign': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/tasks/${i.aApprovalTaskId}/remove-sign`, body: () => ({}) },
  'POST /api/v1/approvals/:id/tasks/:taskId/delegate': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/tasks/${i.aApprovalTaskId}/delegate`, body: (i) => ({ toUserId: i.b.users.alice.id }) },
  'POST /api/v1/approvals/:id/tasks/:taskId/take-back': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/tasks/${i.aApprovalTaskId}/take-back`, body: () => ({}) },
  'POST /api/v1/approvals/:id/tasks/:taskId/confirm': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/tasks/${i.aApprovalTaskId}/confirm`, body: () => ({}) },
  'POST /api/v1/approvals/:id/tasks/:taskId/comment': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/tasks/${i.aApprovalTaskId}/comment`, body: () => ({ comment: 'Hijacked' }) },
  'POST /api/v1/approvals/:id/comment': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/comment`, body: () => ({ comment: 'Hijacked' }) },
  'POST /api/v1/approvals/:id/withdraw': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/withdraw`, body: () => ({}) },
  'POST /api/v1/approvals/:id/resubmit': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/resubmit`, body: () => ({}) },
  'POST /api/v1/approvals/:id/urge': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/urge`, body: () => ({}) },
  'GET /api/v1/files/:id': { path: (i) => `/api/v1/files/${i.aFileId}` },
  'DELETE /api/v1/files/:id': { path: (i) => `/api/v1/files/${i.aFileId}` },
  'POST /api/v1/approvals/:id/interventions/cancel': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/interventions/cancel`, body: () => ({ reason: 'Hijacked' }) },
  'POST /api/v1/approvals/:id/interventions/reassign': {
    path: (i) => `/api/v1/approvals/${i.aApprovalId}/interventions/reassign`,
    body: (i) => ({ reason: 'Hijacked', taskId: i.aApprovalTaskId, toUserId: i.b.users.alice.id }),
  },
  'POST /api/v1/approvals/:id/interventions/retry': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/interventions/retry`, body: () => ({ reason: 'Hijacked' }) },
  'POST /api/v1/approvals/:id/interventions/return': { path: (i) => `/api/v1/approvals/${i.aApprovalId}/interventions/return`, body: () => ({ reason: 'Hijacked', toStepId: 'one' }) },
};

/**
 * A request of tenant A in the approval read model. No workflow is needed: the API answers
 * from the tenant-scoped read model before it would ever reach Temporal.
 */
async function approvalOf(rt: Runtime, a: TenantFixture): Promise<{ instanceId: string; taskId: string }> {
  const em = rt.orm.em.fork();
  const instanceId = newId();
  const taskId = newId();
  const now = new Date();
  em.create(ApprovalInstance, {
    id: instanceId,
    tenantId: a.tenantId,
    workflowId: `approval:${a.tenantCode}:${instanceId}`,
    templateId: newId(),
    templateKey: 'leave',
    templateVersion: 1,
    templateName: 'Leave request',
    title: 'A request of tenant A',
    initiatorId: a.users.alice.id,
    status: 'running',
    form: {},
    currentStepIds: ['head'],
    currentAssigneeIds: [a.users.pete.id],
    round: 1,
    projectedSeq: 1,
    submittedAt: now,
  });
  em.create(ApprovalTask, { id: taskId, tenantId: a.tenantId, instanceId, position: 1, stepId: 'head', stepName: 'Head', kind: 'approval', assigneeId: a.users.pete.id, status: 'open', round: 1, openedAt: now });
  await em.flush();
  return { instanceId, taskId };
}

/** Listings of tenant B, and where tenant A's ids could leak into them. */
const LISTINGS = [
  '/api/v1/users?pageSize=100',
  '/api/v1/departments?pageSize=100',
  '/api/v1/departments/tree',
  '/api/v1/positions?pageSize=100',
  '/api/v1/roles?pageSize=100',
  '/api/v1/menus/tree',
  '/api/v1/api-keys?pageSize=100',
  '/api/v1/auth/login-logs?pageSize=100',
  '/api/v1/me/menus',
  `${TEMPLATES}?pageSize=100`,
  '/api/v1/messages?pageSize=100',
  '/api/v1/todos?pageSize=100',
  '/api/v1/plans?from=2020-01-01&to=2030-12-31&pageSize=100',
  '/api/v1/announcements?pageSize=100',
  '/api/v1/announcements/manage?pageSize=100',
  // Successes only: B's own failed attempts at A's ids (the 404 test) are rightly in B's log.
  '/api/v1/audit-logs?result=success&pageSize=100',
  '/api/v1/approvals/inbox?box=todo&limit=100',
  '/api/v1/approvals/inbox?box=started&limit=100',
  '/api/v1/files?pageSize=100',
  '/api/v1/dictionaries?pageSize=100',
  // The caller's own tenant only (no id to name another); its values are checked per tenant in test/parameters.
  '/api/v1/tenant/parameters',
];

/**
 * Routes above tenants (platform operators, `platform:*` codes a customer tenant cannot hold):
 * the ids they take are tenant codes, and a customer's administrator is refused outright (403)
 * whatever the id, before anything is looked up. Checked below with tenant A's code.
 */
const PLATFORM_SCOPE: Record<string, Case> = {
  'GET /api/v1/platform/tenants/:code': { path: (i) => `/api/v1/platform/tenants/${i.a.tenantCode}` },
  'POST /api/v1/platform/tenants/:code/suspend': { path: (i) => `/api/v1/platform/tenants/${i.a.tenantCode}/suspend` },
  'POST /api/v1/platform/tenants/:code/resume': { path: (i) => `/api/v1/platform/tenants/${i.a.tenantCode}/resume` },
  'DELETE /api/v1/platform/tenants/:code': { path: (i) => `/api/v1/platform/tenants/${i.a.tenantCode}` },
  'GET /api/v1/platform/tenants/:code/deletion': { path: (i) => `/api/v1/platform/tenants/${i.a.tenantCode}/deletion` },
  // Packages (platform:package:*): the package a tenant is on and what it uses.
  'GET /api/v1/platform/packages/:code': { path: () => '/api/v1/platform/packages/standard' },
  'PATCH /api/v1/platform/packages/:code': { path: () => '/api/v1/platform/packages/standard', body: () => ({ maxUsers: 1 }) },
  'PUT /api/v1/platform/tenants/:code/package': { path: (i) => `/api/v1/platform/tenants/${i.a.tenantCode}/package`, body: () => ({ packageCode: 'standard' }) },
  'GET /api/v1/platform/tenants/:code/usage': { path: (i) => `/api/v1/platform/tenants/${i.a.tenantCode}/usage` },
};

const routesWithIds = () =>
  modules
    .flatMap((m) => m.routes.filter((r) => (m.prefix + r.path).includes('/:')).map((r) => `${r.method.toUpperCase()} ${m.prefix + r.path}`));

describe('tenant isolation matrix', () => {
  let rt: Runtime;
  let api: TestApi;
  let ids: Ids;
  let tokenB: string;

  /** Everything of tenant A that a cross-tenant call could change. */
  const snapshotOfA = () =>
    inContext(rt, async () => {
      const em = rt.orm.em;
      const tenantId = ids.a.tenantId;
      const rows = await Promise.all(
        [User, Department, Position, Role, UserRole, Menu, ApiKey, RefreshToken, ApprovalInstance, ApprovalTask, ApprovalTemplate, ApprovalTemplateVersion, InAppMessage, Todo, Announcement, DailyPlan, DailyPlanItem, StoredFile, DictionaryGroup, DictionaryItem].map((e) => em.find(e as never, { tenantId } as never, { orderBy: { id: 'asc' } as never })),
      );
      return JSON.stringify(rows);
    });

  beforeAll(async () => {
    rt = await createTestRuntime();
    api = await startTestApi(rt);
    const [a, b] = [await createTenant(rt), await createTenant(rt)];
    const aMenu = await inContext(rt, () => rt.orm.em.findOneOrFail(Menu, { tenantId: a.tenantId, key: 'system.users' }));
    const tokenA = await tokenFor(rt, a.users.admin);
    const key = await api.post('/api/v1/api-keys', { name: 'A integration', scopes: ['user:read'] }, tokenA);
    expect(key.status).toBe(201);
    // The demo seed gives every tenant the preset templates, published as version 1.
    const aTemplate = await inContext(rt, () => rt.orm.em.findOneOrFail(ApprovalTemplate, { tenantId: a.tenantId, key: 'leave' }));
    // One real row of each support-domain kind, owned by tenant A's admin.
    const message = await inContext(rt, () =>
      rt.services.messages.createSystemMessage({ tenantId: a.tenantId, userId: a.users.admin.id, title: 'For A', body: 'A only', category: 'system', dedupeKey: `iso:${a.tenantId}` }),
    );
    const todo = await api.post('/api/v1/todos', { title: 'A todo' }, tokenA);
    const announcement = await api.post('/api/v1/announcements', { title: 'A news', body: 'A only' }, tokenA);
    const plan = await api.put(`/api/v1/plans/${PLAN_DAY}`, { items: [{ text: 'A item' }] }, tokenA);
    const form = new FormData();
    form.append('files', new Blob(['A only']), 'a.txt');
    const upload = await fetch(`${api.baseUrl}/api/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${tokenA}` }, body: form });
    const file = (await upload.json()) as { items: { id: string }[] };
    expect([todo.status, announcement.status, plan.status, upload.status]).toEqual([201, 201, 200, 201]);
    const approval = await approvalOf(rt, a);
    const dictionary = await api.post('/api/v1/dictionaries', { code: 'a-only', name: 'A only' }, tokenA);
    const dictionaryItem = await api.post(`/api/v1/dictionaries/${dictionary.body.id}/items`, { code: 'x', labels: { en: 'X' } }, tokenA);
    const platform = await inContext(rt, () => rt.orm.em.findOneOrFail(DictionaryGroup, { tenantId: null, code: 'leave-type' }));
    const platformItem = await api.post(`/api/v1/dictionaries/${platform.id}/items`, { code: 'a-sabbatical', labels: { en: 'Sabbatical' } }, tokenA);
    expect([dictionary.status, dictionaryItem.status, platformItem.status]).toEqual([201, 201, 201]);
    const signIn = await api.post('/api/v1/auth/login', { tenantCode: a.tenantCode, identifier: 'alice', password: DEMO.userPassword });
    expect(signIn.status).toBe(200);
    const session = await inContext(rt, () => rt.orm.em.findOneOrFail(RefreshToken, { tenantId: a.tenantId, userId: a.users.alice.id, revokedAt: null }));
    ids = {
      a,
      b,
      aMenuId: aMenu.id,
      aApiKeyId: key.body.id,
      aTemplateId: aTemplate.id,
      aMessageId: message.id,
      aTodoId: todo.body.id,
      aAnnouncementId: announcement.body.id,
      aPlanItemId: plan.body.items[0].id,
      aApprovalId: approval.instanceId,
      aApprovalTaskId: approval.taskId,
      aSessionId: session.familyId,
      aFileId: file.items[0].id,
      aDictionaryId: dictionary.body.id,
      aDictionaryItemId: dictionaryItem.body.id,
      platformDictionaryId: platform.id,
      aPlatformItemId: platformItem.body.id,
    };
    tokenB = await tokenFor(rt, b.users.admin);
  });
  afterAll(async () => {
    await api.close();
    await rt.close();
  });

  it('covers every route that takes an id', () => {
    const missing = routesWithIds().filter((r) => !MATRIX[r] && !PLATFORM_SCOPE[r]);
    expect(missing).toEqual([]);
  });

  it("refuses a customer tenant's administrator on every platform-scope route (403) and changes nothing", async () => {
    const before = await snapshotOfA();
    const wrong: string[] = [];
    for (const [key, c] of Object.entries(PLATFORM_SCOPE)) {
      const res = await api.request(key.split(' ')[0], c.path(ids), { token: tokenB, body: c.body?.(ids) });
      if (res.status !== 403) wrong.push(`${key} -> ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
    expect(await snapshotOfA()).toEqual(before);
  });

  it("answers 404 to every id of another tenant and changes nothing of that tenant's data", async () => {
    const before = await snapshotOfA();
    const wrong: string[] = [];
    for (const [key, c] of Object.entries(MATRIX)) {
      const method = key.split(' ')[0];
      const res = await api.request(method, c.path(ids), { token: tokenB, body: c.body?.(ids) });
      if (res.status !== 404) wrong.push(`${key} -> ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
    expect(await snapshotOfA()).toEqual(before);
  });

  it("never lists another tenant's rows", async () => {
    const foreign = [
      ...Object.values(ids.a.users).map((u) => u.id),
      ...Object.values(ids.a.departments).map((d) => d.id),
      ...Object.values(ids.a.roles).map((r) => r.id),
      ...Object.values(ids.a.positions).map((p) => p.id),
      ids.aMenuId,
      ids.aApiKeyId,
      ids.aTemplateId,
      ids.aMessageId,
      ids.aTodoId,
      ids.aAnnouncementId,
      ids.aPlanItemId,
      ids.aApprovalId,
      ids.aApprovalTaskId,
      ids.aFileId,
      ids.aDictionaryId,
      ids.aDictionaryItemId,
      ids.aPlatformItemId,
      ids.a.tenantId,
    ];
    // The platform dictionary both tenants extend: B sees the platform's items and its own, never A's.
    for (const path of [...LISTINGS, `/api/v1/dictionaries/${ids.platformDictionaryId}/items?pageSize=100`]) {
      const res = await api.get(path, tokenB);
      expect([path, res.status]).toEqual([path, 200]);
      const text = JSON.stringify(res.body);
      expect([path, foreign.filter((id) => text.includes(id))]).toEqual([path, []]);
    }
  });
});
