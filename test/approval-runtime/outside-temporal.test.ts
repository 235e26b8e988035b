/**
 * The read model follows Temporal whatever the path (issue 9 §5): a cancellation requested with
 * the Temporal client (as the UI and the CLI do) closes the request like a withdrawal; a
 * termination, which runs no workflow code, is found and closed by the reconciler.
 */
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { InAppMessage } from '../../db/entities';
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
});
