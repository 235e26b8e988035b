/**
 * The read model follows Temporal whatever the path (issue 9 §5): a cancellation requested with
 * the Temporal client (as the UI and the CLI do) closes the request like a withdrawal; a
 * termination, which runs no workflow code, is found and closed by the reconciler.
 */
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { InAppMessage } from '../../db/entities';
import { startProcess } from '../../temporal/processes';
import { RECONCILE } from '../../workflows/maintenance/reconcile-contract';
import { SA } from '../../workflows/search-attributes';
import { approval, inbox, openTaskOf, publish, startRuntimeEnv, submit, until, type RuntimeEnv } from './helpers';

describe('approvals changed from outside the product', () => {
  let env: RuntimeEnv;
  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a cancellation from the Temporal client closes the tasks, the status, the search attribute, and tells the initiator', async () => {
    const key = await publish(env, [
      { kind: 'parallel', id: 'par', name: 'Checks', branches: [{ id: 'b1', name: 'Platform', steps: [approval('p', [env.id('pete')])] }, { id: 'b2', name: 'Finance', steps: [approval('f', [env.id('fiona')])] }] },
    ] as never);
    const id = await submit(env, key);
    const open = await until(env, id, (x) => x.tasks.filter((t: any) => t.status === 'open').length === 2);
    expect((await inbox(env, 'pete', 'todo')).map((i) => i.instanceId)).toContain(id);

    const client = await env.rt.temporal();
    const handle = client.workflow.getHandle(open.workflowId);
    await handle.cancel();
    // Temporal shows the run as Canceled, as an operator asked.
    const failure = await handle.result().catch((err) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

    const d = await until(env, id, (x) => x.status === 'cancelled');
    expect(d.tasks.map((t: any) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect(d.finishedAt).not.toBeNull();
    expect(d.timeline.at(-1)).toMatchObject({ type: 'cancelled', actor: null });
    expect((await inbox(env, 'pete', 'todo')).map((i) => i.instanceId)).not.toContain(id);
    expect((await inbox(env, 'fiona', 'todo')).map((i) => i.instanceId)).not.toContain(id);
    expect((await handle.describe()).typedSearchAttributes.get(SA.status)).toBe('cancelled');
    const told = await env.rt.orm.em.fork().find(InAppMessage, { tenantId: env.t.tenantId, userId: env.id('alice'), category: 'approval-finished' });
    expect(told.filter((m) => m.title.includes(d.title)).map((m) => m.title)).toEqual([`Your request "${d.title}" was cancelled`]);
    // An action on it now is refused like on any finished request.
    const late = await env.api.post(`/api/v1/approvals/${id}/tasks/${openTaskOf(open, env.id('pete'))}/approve`, {}, env.tokens.pete);
    expect(late.status).toBeGreaterThanOrEqual(400);
  });

  it('a termination is found by the reconciler: status terminated, tasks closed, inbox cleared, once', async () => {
    const key = await publish(env, [approval('one', [env.id('pete'), env.id('fiona')], { mode: 'all' })]);
    const ids = [await submit(env, key), await submit(env, key), await submit(env, key)];
    const details = await Promise.all(ids.map((id) => until(env, id, (x) => x.tasks.filter((t: any) => t.status === 'open').length === 2)));
    const client = await env.rt.temporal();
    const [gone, alive, alsoGone] = details;
    await client.workflow.getHandle(gone.workflowId).terminate('terminated by an operator (test)');
    await client.workflow.getHandle(alsoGone.workflowId).terminate('terminated by an operator (test)');
    // No workflow code ran: the read model still says running until the reconciler looks.
    expect((await until(env, gone.instanceId, () => true)).status).toBe('running');

    // Pages of 2 over every open request of the database: the paging is exercised too.
    const reconcile = async () =>
      (await startProcess(client, RECONCILE, { tenantCode: '', businessKey: '', taskQueue: env.worker.taskQueue, args: [{ batchSize: 2 }], summary: 'test run' })).handle.result();
    const first = await reconcile();
    expect(first.terminated).toBeGreaterThanOrEqual(2);
    expect(first.pages).toBeGreaterThanOrEqual(2);

    for (const d of [gone, alsoGone]) {
      const after = await until(env, d.instanceId, () => true);
      expect(after.status).toBe('terminated');
      expect(after.finishedAt).not.toBeNull();
      expect(after.tasks.map((t: any) => t.status)).toEqual(['cancelled', 'cancelled']);
      expect(after.timeline.at(-1)).toMatchObject({ type: 'terminated', actor: null, data: { execution: 'terminated', by: 'reconciler' } });
    }
    expect((await until(env, alive.instanceId, () => true)).status).toBe('running');
    const todo = (await inbox(env, 'pete', 'todo')).map((i) => i.instanceId);
    expect(todo).toContain(alive.instanceId);
    expect(todo).not.toContain(gone.instanceId);
    expect(todo).not.toContain(alsoGone.instanceId);

    // Again: nothing left to do for these two, and nothing written twice.
    await reconcile();
    const again = await until(env, gone.instanceId, () => true);
    expect(again.timeline.filter((e: any) => e.type === 'terminated')).toHaveLength(1);
    // The running one still runs and can be decided.
    expect((await env.api.post(`/api/v1/approvals/${alive.instanceId}/tasks/${openTaskOf(alive, env.id('pete'))}/approve`, {}, env.tokens.pete)).status).toBe(200);
  });
});
