/**
 * Outcome hooks: an approved access request (the preset) starts the role-grant saga as a child
 * workflow with a business-key id; the role is granted and the user told. The saga's
 * compensation undoes the grant when the user cannot be told.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { InAppMessage, Role, UserRole } from '../../db/entities';
import { uniqueCode, startTestWorker } from '../harness/harness';
import { GRANT_ROLE_SAGA_TYPE, type GrantRoleSagaInput } from '../../workflows/approval/grant-role-saga';
import { PEOPLE, act, startRuntimeEnv, submit, until, type RuntimeEnv, type Who } from './helpers';

describe('outcome hooks and the role-grant saga', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const roleAliceLacks = async () => {
    const em = env.rt.orm.em.fork();
    const held = new Set((await em.find(UserRole, { tenantId: env.t.tenantId, userId: env.id('alice') })).map((l) => l.roleId));
    return (await em.find(Role, { tenantId: env.t.tenantId }, { orderBy: { code: 'asc' } })).filter((r) => !held.has(r.id) && r.code !== 'tenant_admin');
  };
  const who = (userId: string): Who => PEOPLE.find((p) => env.id(p) === userId)!;

  it('an approved access request grants the role through the child saga, visible under a business-key id', async () => {
    const [role] = await roleAliceLacks();
    const id = await submit(env, 'access-request', { roleCode: role.code, justification: 'on-call duty' });
    let d = await until(env, id, (x) => x.tasks.some((t: any) => t.status === 'open'));
    while (d.status === 'running') {
      const task = d.tasks.find((t: any) => t.status === 'open');
      const res = await act(env, who(task.assignee.userId), id, task.taskId, 'approve');
      expect(res.status).toBe(200);
      d = res.body;
    }
    expect(d.status).toBe('approved');
    const started = d.timeline.find((e: any) => e.type === 'hook_started');
    expect(started.data).toMatchObject({ workflowType: 'grantRoleSaga', roleCode: role.code, userId: env.id('alice') });
    const childId = started.data.workflowId as string;
    expect(childId).toBe(`grant-role:${env.t.tenantCode}:${id}:0`);

    const client = await env.rt.temporal();
    const child = client.workflow.getHandle(childId);
    expect(await child.result()).toMatchObject({ status: 'granted', roleId: role.id });
    const info = await child.describe();
    expect(info.type).toBe(GRANT_ROLE_SAGA_TYPE);
    const em = env.rt.orm.em.fork();
    expect(await em.findOne(UserRole, { tenantId: env.t.tenantId, userId: env.id('alice'), roleId: role.id })).toMatchObject({ grantedBy: childId });
    expect(await em.count(InAppMessage, { tenantId: env.t.tenantId, userId: env.id('alice'), title: `You now have the role "${role.code}"` })).toBe(1);
  });

  it('compensation: when the user cannot be told, the grant is undone and the saga fails plainly', async () => {
    const [, role] = await roleAliceLacks();
    const taskQueue = uniqueCode('tq-saga-');
    const worker = await startTestWorker(env.rt, taskQueue, {
      wrapActivities: (a) => ({
        ...a,
        notifyApprovalUsers: async () => {
          throw ApplicationFailure.nonRetryable('mailbox unavailable', 'test_failure');
        },
      }),
    });
    try {
      const client = await env.rt.temporal();
      const workflowId = `grant-role:${env.t.tenantCode}:${uniqueCode('req-')}:0`;
      const input: GrantRoleSagaInput = { tenantId: env.t.tenantId, tenantCode: env.t.tenantCode, userId: env.id('alice'), roleCode: role.code, requestId: 'req', until: null };
      const handle = await client.workflow.start(GRANT_ROLE_SAGA_TYPE, { workflowId, taskQueue, args: [input] });
      const err = await handle.result().catch((e) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err.cause as ApplicationFailure).type).toBe('grant_compensated');
      expect(await env.rt.orm.em.fork().count(UserRole, { tenantId: env.t.tenantId, userId: env.id('alice'), roleId: role.id })).toBe(0);
    } finally {
      await worker.stop();
    }
  });
});
