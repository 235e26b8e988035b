/**
 * Shared pieces of the approval runtime tests: the real API and a worker on one private task
 * queue, a demo tenant with tokens, templates published through the template API, and small
 * helpers to start requests, wait for the read model and act.
 */
import type { Runtime } from '../../activities/runtime';
import type { Step, TemplateInput } from '../../workflows/approval/dsl';
import { createTenant, createTestRuntime, startTestApi, startTestWorker, tokenFor, uniqueCode, type TenantFixture, type TestApi, type TestWorker } from '../harness/harness';

export const APPROVALS = '/api/v1/approvals';
export const PEOPLE = ['admin', 'alice', 'pete', 'carol', 'fiona', 'harry'] as const;
export type Who = (typeof PEOPLE)[number];

export interface RuntimeEnv {
  rt: Runtime;
  api: TestApi;
  worker: TestWorker;
  t: TenantFixture;
  tokens: Record<Who, string>;
  id: (who: Who) => string;
  close(): Promise<void>;
}

export async function startRuntimeEnv(overrides: Record<string, string> = {}, workerOptions: Parameters<typeof startTestWorker>[2] = {}): Promise<RuntimeEnv> {
  const taskQueue = uniqueCode('tq-appr-');
  // The API starts workflows on TEMPORAL_TASK_QUEUE; the test worker polls the same queue.
  const rt = await createTestRuntime({ ...overrides, TEMPORAL_TASK_QUEUE: taskQueue });
  const api = await startTestApi(rt);
  const worker = await startTestWorker(rt, taskQueue, workerOptions);
  const t = await createTenant(rt);
  const tokens = Object.fromEntries(await Promise.all(PEOPLE.map(async (p) => [p, await tokenFor(rt, t.users[p])]))) as Record<Who, string>;
  return {
    rt,
    api,
    worker,
    t,
    tokens,
    id: (who) => t.users[who].id,
    async close() {
      await worker.stop();
      await api.close();
      await rt.close();
    },
  };
}

export const approval = (id: string, userIds: string[], extra: Record<string, unknown> = {}): Step =>
  ({ kind: 'approval', id, name: `Step ${id}`, assignees: { type: 'users', userIds }, ...extra }) as Step;

/** Create and publish a template (as the tenant admin); returns its key. */
export async function publish(env: RuntimeEnv, flow: Step[], extra: Partial<TemplateInput> = {}): Promise<string> {
  const key = uniqueCode('tpl-');
  const body: TemplateInput = {
    key,
    name: `Request ${key}`,
    category: 'general',
    formSchema: { fields: [{ id: 'amount', label: 'Amount', type: 'number', required: true }, { id: 'note', label: 'Note', type: 'text' }] },
    flow,
    ...extra,
  };
  const created = await env.api.post('/api/v1/approval-templates', body, env.tokens.admin);
  if (created.status !== 201) throw new Error(`create template: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await env.api.post(`/api/v1/approval-templates/${created.body.id}/publish`, undefined, env.tokens.admin);
  if (published.status !== 201) throw new Error(`publish template: ${published.status} ${JSON.stringify(published.body)}`);
  return key;
}

/** Submit a request (as alice by default) and wait until its first approval step is assigned. */
export async function submit(env: RuntimeEnv, templateKey: string, form: Record<string, unknown> = { amount: 100 }, who: Who = 'alice', headers: Record<string, string> = {}) {
  const res = await env.api.request('POST', APPROVALS, { body: { templateKey, form }, token: env.tokens[who], headers });
  if (res.status !== 202) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.instanceId as string;
}

/** Poll the detail until `ready` holds (the read model follows the workflow within milliseconds). */
export async function until(env: RuntimeEnv, instanceId: string, ready: (d: any) => boolean, who: Who = 'alice', timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const res = await env.api.get(`${APPROVALS}/${instanceId}`, env.tokens[who]);
    last = res.body;
    if (res.status === 200 && ready(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The open task of a person in a detail view. */
export const openTaskOf = (detail: any, userId: string): string => {
  const task = detail.tasks.find((t: any) => t.assignee.userId === userId && t.status === 'open');
  if (!task) throw new Error(`no open task for ${userId}: ${JSON.stringify(detail.tasks)}`);
  return task.taskId;
};

export const act = (env: RuntimeEnv, who: Who, instanceId: string, taskId: string, action: 'approve' | 'reject', comment?: string, headers: Record<string, string> = {}) =>
  env.api.request('POST', `${APPROVALS}/${instanceId}/tasks/${taskId}/${action}`, { body: comment ? { comment } : {}, token: env.tokens[who], headers });

export const statuses = (detail: any) => detail.tasks.map((t: any) => `${t.stepId}:${t.assignee.displayName?.split(' ')[0]}:${t.status}`);

export async function inbox(env: RuntimeEnv, who: Who, box: string, extra = ''): Promise<any[]> {
  const res = await env.api.get(`${APPROVALS}/inbox?box=${box}&limit=100${extra}`, env.tokens[who]);
  if (res.status !== 200) throw new Error(`inbox: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}
