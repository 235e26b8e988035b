/**
 * A terminated onboarding runs no workflow code, so its open checklist to-dos would stay on
 * people's lists, reporting to nothing. The reconciler (the `reconcile` schedule's workflow)
 * finds it closed in Temporal and removes them, as the onboarding's own cancellation does; a
 * checklist item already done stays. A second run changes nothing.
 */
import { OnboardingTodoLink, Todo } from '../../db/entities';
import { startProcess } from '../../temporal/processes';
import { RECONCILE } from '../../workflows/maintenance/reconcile-contract';
import { ONB, STRONG_PASSWORD, startOnbEnv, startOnboarding, until, url, waitForTokens, type OnbEnv } from './helpers';

describe('reconciler: onboardings terminated in Temporal', () => {
  let env: OnbEnv;
  beforeAll(async () => {
    env = await startOnbEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('removes the open checklist to-dos of a terminated onboarding, keeps the done ones, once', async () => {
    const username = `term${Date.now().toString(36)}`;
    const id = await startOnboarding(env, username, { startInMs: 600_000 });
    // The checklist is put on people's lists once the new hire has activated the account.
    await until(env, id, (v) => v.progress?.status === 'awaiting_activation');
    const [token] = await waitForTokens(env, `${username}@example.test`, 1);
    expect((await env.api.post(`${ONB}/activate`, { token, password: STRONG_PASSWORD })).status).toBe(200);
    const progress = await until(env, id, (v) => v.progress?.stepsDone.includes('checklist_created'));
    const todoIds: string[] = progress.progress.checklist.map((i: any) => i.todoId);
    expect(todoIds.length).toBeGreaterThan(1);
    // HR reports one item done before the run is terminated: its to-do is done and stays so.
    const doneItem = progress.progress.checklist[0];
    expect((await env.api.post(url(id, `/checklist/${doneItem.id}/done`), undefined, env.tokens.harry)).status).toBe(200);

    const client = await env.rt.temporal();
    const workflowId = id;
    await client.workflow.getHandle(workflowId).terminate('ops: test termination');
    const em = () => env.rt.orm.em.fork();
    // Nothing ran in the workflow: the to-dos are still open on people's lists.
    expect(await em().count(Todo, { id: { $in: todoIds }, status: 'open' })).toBe(todoIds.length - 1);

    const reconcile = async () => (await startProcess(client, RECONCILE, { tenantCode: '', businessKey: '', taskQueue: env.taskQueue, args: [{ batchSize: 2 }], summary: 'test run' })).handle.result();
    const first = await reconcile();
    // At least this one (suites sharing the database may have left others).
    expect(first.onboardings!.closed).toBeGreaterThanOrEqual(1);
    expect(first.onboardings!.todosRemoved).toBeGreaterThanOrEqual(todoIds.length - 1);
    const left = await em().find(Todo, { id: { $in: todoIds } });
    expect(left.map((t) => [t.id, t.status])).toEqual([[doneItem.todoId, 'done']]);
    expect(await em().count(OnboardingTodoLink, { workflowId })).toBe(0);

    const second = await reconcile();
    expect(second.onboardings).toMatchObject({ closed: 0, todosRemoved: 0 });
    expect(await em().count(Todo, { id: { $in: todoIds } })).toBe(1);
  });
});
