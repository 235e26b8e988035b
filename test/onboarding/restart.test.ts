/**
 * Durability: the worker goes away twice in the middle of an onboarding (while it waits for the
 * activation, and while the start-date timer fires) and fresh workers, which rebuild the state
 * by replaying the history, finish it exactly once.
 */
import { Todo } from '../../db/entities';
import { makeActivationToken } from '../../activities/onboarding/activities';
import { onboardingWorkflowId, type OnboardingInput, type OnboardingState } from '../../workflows/onboarding/contract';
import { ONB, STRONG_PASSWORD, startOnbEnv, startOnboarding, until, url, waitForTokens, type OnbEnv } from './helpers';

describe('onboarding survives worker restarts', () => {
  let env: OnbEnv;
  beforeAll(async () => {
    env = await startOnbEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const restart = async (downMs: number) => {
    for (const w of [...env.workers]) {
      await w.stop();
      env.workers.delete(w);
    }
    await new Promise((r) => setTimeout(r, downMs));
    await env.startWorker();
  };

  it('finishes after restarts during the activation wait and across the start-date timer', async () => {
    const id = await startOnboarding(env, 'rita', { startInMs: 9000 });
    await until(env, id, (v) => v.progress?.status === 'awaiting_activation');
    await restart(500);

    const [token] = await waitForTokens(env, 'rita@example.test', 1);
    expect((await env.api.post(`${ONB}/activate`, { token, password: STRONG_PASSWORD })).status).toBe(200);
    const ready = await until(env, id, (v) => v.progress?.stepsDone.includes('checklist_created'));
    for (const item of ready.progress.checklist) {
      expect((await env.api.post(url(id, `/checklist/${item.id}/done`), undefined, env.tokens.harry)).status).toBe(200);
    }
    // Down while the start date passes: the timer fires into the history and the next worker acts on it.
    await restart(Math.max(0, Date.parse(ready.progress.startDate) - Date.now()) + 1000);

    const done = await until(env, id, (v) => v.execution === 'completed');
    expect(done.progress.stepsDone).toEqual(['provision', 'welcome', 'activation', 'checklist_created', 'day_one', 'checklist_done']);
    // Exactly once: one welcome mail, one day-one mail, one set of check-in to-dos.
    expect(env.smtp.messages.filter((m) => m.to.includes('rita@example.test') && /activate/i.test(m.subject))).toHaveLength(1);
    expect(env.smtp.messages.filter((m) => m.to.includes('rita@example.test') && /first day/.test(m.subject))).toHaveLength(1);
    const checkIns = await env.rt.orm.em.fork().find(Todo, { tenantId: env.t.tenantId, userId: env.t.users.pete.id, title: { $like: 'Check-in % with New rita' } });
    expect(checkIns).toHaveLength(2);
  });

  it('resumes from carried state, as a continue-as-new run does', async () => {
    // A run that continued-as-new gets (input, state): here one waiting for the activation of alice.
    const { token, hash } = makeActivationToken(onboardingWorkflowId(env.t.tenantCode, 'alice'));
    const input: OnboardingInput = {
      username: 'alice',
      email: env.t.users.alice.email,
      displayName: 'Alice',
      tenantId: env.t.tenantId,
      tenantCode: env.t.tenantCode,
      requestedBy: env.t.users.harry.id,
      managerId: env.t.users.pete.id,
      itUserId: env.t.users.admin.id,
      startDate: new Date(Date.now() + 2000).toISOString(),
      checklistTemplate: 'engineering',
      timing: { reminderIntervalMs: 600_000, activationDeadlineMs: 600_000, checkInOffsetsMs: [500] },
    };
    const carried: OnboardingState = {
      progress: {
        status: 'awaiting_activation', username: 'alice', userId: env.t.users.alice.id, stepsDone: ['provision', 'welcome'], waitingOn: [],
        activationLinksSent: 1, escalated: false, activatedAt: null, startDate: input.startDate, dayOneSentAt: null,
        checklist: [], checkIns: [], cancellation: null, compensations: [], error: null,
      },
      tokenHash: hash,
      activationSince: Date.now(),
      lastLinkAt: Date.now(),
      cancelRequested: null,
    };
    const client = await env.rt.temporal();
    const id = onboardingWorkflowId(env.t.tenantCode, 'alice');
    await client.workflow.start('onboardingWorkflow', { workflowId: id, taskQueue: env.taskQueue, args: [input, carried] });
    expect((await env.api.post(`${ONB}/activate`, { token, password: STRONG_PASSWORD })).status).toBe(200);
    const ready = await until(env, id, (v) => v.progress?.stepsDone.includes('checklist_created'));
    expect(ready.progress.checklist).toHaveLength(6);
    for (const item of ready.progress.checklist) {
      expect((await env.api.post(url(id, `/checklist/${item.id}/done`), undefined, env.tokens.harry)).status).toBe(200);
    }
    const done = await until(env, id, (v) => v.execution === 'completed');
    expect(done.progress.stepsDone).toEqual(['provision', 'welcome', 'activation', 'checklist_created', 'day_one', 'checklist_done']);
    // No second provisioning and no second welcome: the carried steps were not run again.
    expect(env.smtp.messages.filter((m) => m.to.includes(env.t.users.alice.email) && /activate/i.test(m.subject))).toHaveLength(0);
  });
});
