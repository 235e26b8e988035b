/** Shared pieces of the onboarding tests: real API + worker on a private queue, SMTP, a tenant and helpers. */
import type { Runtime } from '../../activities/runtime';
import { SA } from '../../workflows/search-attributes';
import { createTenant, createTestRuntime, startTestApi, startTestWorker, tokenFor, uniqueCode, type TenantFixture, type TestApi, type TestWorker } from '../harness/harness';
import { startSmtpListener, type SmtpListener } from '../harness/smtp';

export const ONB = '/api/v1/onboarding';

export interface OnbEnv {
  rt: Runtime;
  api: TestApi;
  smtp: SmtpListener;
  t: TenantFixture;
  taskQueue: string;
  workers: Set<TestWorker>;
  tokens: { harry: string; alice: string; pete: string; admin: string };
  startWorker(): Promise<TestWorker>;
  close(): Promise<void>;
}

export async function startOnbEnv(opts: { worker?: boolean } = {}): Promise<OnbEnv> {
  const smtp = await startSmtpListener();
  const taskQueue = uniqueCode('tq-onb-');
  const rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, ...smtp.env });
  const api = await startTestApi(rt);
  const t = await createTenant(rt);
  const workers = new Set<TestWorker>();
  const env: OnbEnv = {
    rt,
    api,
    smtp,
    t,
    taskQueue,
    workers,
    tokens: {
      harry: await tokenFor(rt, t.users.harry),
      alice: await tokenFor(rt, t.users.alice),
      pete: await tokenFor(rt, t.users.pete),
      admin: await tokenFor(rt, t.users.admin),
    },
    async startWorker() {
      const w = await startTestWorker(rt, taskQueue);
      workers.add(w);
      return w;
    },
    async close() {
      for (const w of workers) await w.stop();
      await api.close();
      await rt.close();
      await smtp.close();
    },
  };
  if (opts.worker !== false) await env.startWorker();
  return env;
}

export interface StartOpts {
  startInMs?: number;
  reminderIntervalMs?: number;
  activationDeadlineMs?: number;
  checkInOffsetsMs?: number[];
  checklistTemplate?: string;
}

export async function startOnboarding(env: OnbEnv, username: string, o: StartOpts = {}) {
  const res = await env.api.post(
    ONB,
    {
      username,
      email: `${username}@example.test`,
      displayName: `New ${username}`,
      departmentId: env.t.departments.platform.id,
      roleIds: [env.t.roles.employee.id],
      managerId: env.t.users.pete.id,
      itUserId: env.t.users.admin.id,
      startDate: new Date(Date.now() + (o.startInMs ?? 4000)).toISOString(),
      checklistTemplate: o.checklistTemplate ?? 'standard',
      timing: {
        reminderIntervalMs: o.reminderIntervalMs ?? 600_000,
        activationDeadlineMs: o.activationDeadlineMs ?? 600_000,
        checkInOffsetsMs: o.checkInOffsetsMs ?? [1000, 2000],
      },
    },
    env.tokens.harry,
  );
  if (res.status !== 202) throw new Error(`start onboarding: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export const url = (id: string, tail = '') => `${ONB}/${encodeURIComponent(id)}${tail}`;

/** Poll the progress until `ready` holds. */
export async function until(env: OnbEnv, id: string, ready: (v: any) => boolean, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const res = await env.api.get(url(id), env.tokens.harry);
    last = res.body;
    if (res.status === 200 && ready(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Activation tokens mailed to `email`, oldest first. */
export function mailedTokens(env: OnbEnv, email: string): string[] {
  return env.smtp.messages
    .filter((m) => m.to.includes(email))
    .map((m) => /Activation token: (\S+?)\)/.exec(m.text)?.[1])
    .filter((x): x is string => !!x);
}

export async function waitForTokens(env: OnbEnv, email: string, n: number, timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tokens = mailedTokens(env, email);
    if (tokens.length >= n) return tokens;
    if (Date.now() > deadline) throw new Error(`expected ${n} activation mails to ${email}, got ${tokens.length}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The search attributes Temporal holds for the run (what ops see in the UI). */
export async function searchAttributes(env: OnbEnv, id: string) {
  const desc = await (await env.rt.temporal()).workflow.getHandle(id).describe();
  return { status: desc.typedSearchAttributes.get(SA.status), assignees: desc.typedSearchAttributes.get(SA.assignees), process: desc.typedSearchAttributes.get(SA.process) };
}

/** How many Updates named `name` the run accepted (each one that changed anything is in the history once). */
export async function updatesAccepted(env: OnbEnv, id: string, name: string): Promise<number> {
  const history = await (await env.rt.temporal()).workflow.getHandle(id).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name).length;
}

export const STRONG_PASSWORD = 'Onboard-me-please-42';
