/** Shared pieces of the platform tenant tests: API + worker on a private queue, SMTP, the platform operator, failure injection. */
import { ApplicationFailure } from '@temporalio/common';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { Runtime } from '../../../activities/runtime';
import type { Activities } from '../../../activities';
import { seedPlatformTenant } from '../../../db/seed';
import { Tenant } from '../../../db/entities';
import { SA } from '../../../workflows/search-attributes';
import { digestScheduleId } from '../../../workflows/digest/contract';
import type { TenantOnboardingStep } from '../../../workflows/tenants/contract';
import { createTestRuntime, startTestApi, startTestWorker, tokenFor, uniqueCode, type TestApi, type TestWorker } from '../../harness/harness';
import { startSmtpListener, type SmtpListener } from '../../harness/smtp';

export const TENANTS = '/api/v1/platform/tenants';
export const STRONG_PASSWORD = 'Tenant-admin-please-42';

/** The activity of each saga step: a test makes it fail to check the compensation. */
export const STEP_ACTIVITY: Record<TenantOnboardingStep, keyof Activities> = {
  tenant: 'createTenantRow',
  basics: 'seedTenantDefaults',
  admin: 'inviteTenantAdmin',
  schedule: 'ensureTenantSchedule',
  activate: 'openTenant',
};

export interface PlatformEnv {
  rt: Runtime;
  api: TestApi;
  smtp: SmtpListener;
  worker: TestWorker;
  operator: { id: string; tenantId: string; token: string };
  /** Tenant codes whose onboarding should fail at this step (a test activity override, never in production code). */
  failAt: Map<string, TenantOnboardingStep>;
  close(): Promise<void>;
}

export async function startPlatformEnv(): Promise<PlatformEnv> {
  const smtp = await startSmtpListener();
  const taskQueue = uniqueCode('tq-plat-');
  const rt = await createTestRuntime({ TEMPORAL_TASK_QUEUE: taskQueue, ...smtp.env });
  const api = await startTestApi(rt);
  const failAt = new Map<string, TenantOnboardingStep>();
  const wrapActivities = (a: Activities): Activities => {
    const wrapped = { ...a } as Record<string, unknown>;
    for (const [step, name] of Object.entries(STEP_ACTIVITY) as [TenantOnboardingStep, keyof Activities][]) {
      const original = a[name] as (...args: unknown[]) => Promise<unknown>;
      wrapped[name] = async (...args: unknown[]) => {
        if (failAt.get(await codeOf(rt, args)) === step) throw ApplicationFailure.nonRetryable(`injected failure at ${step}`, 'InjectedFailure');
        return original(...args);
      };
    }
    return wrapped as Activities;
  };
  const worker = await startTestWorker(rt, taskQueue, { wrapActivities });
  const { operator } = await seedPlatformTenant(rt.orm.em.fork(), { scryptLogN: rt.config.SCRYPT_LOG_N });
  return {
    rt,
    api,
    smtp,
    worker,
    failAt,
    operator: { id: operator.id, tenantId: operator.tenantId, token: await tokenFor(rt, operator) },
    async close() {
      await worker.stop();
      await api.close();
      await rt.close();
      await smtp.close();
    },
  };
}

/** The tenant code an activity call is about: the input's code, or the tenant id's. */
async function codeOf(rt: Runtime, args: unknown[]): Promise<string> {
  const first = args[0] as { code?: string } | string;
  if (typeof first === 'object' && first?.code) return first.code;
  return (await rt.orm.em.fork().findOne(Tenant, { id: first as string }))?.code ?? '';
}

export function createBody(code: string, extra: Record<string, unknown> = {}) {
  return { code, name: `Tenant ${code}`, timeZone: 'Europe/Paris', admin: { username: 'boss', email: `boss@${code}.example`, displayName: `Boss of ${code}` }, ...extra };
}

/** Poll the tenant until `ready` holds. */
export async function untilTenant(env: PlatformEnv, code: string, ready: (v: any) => boolean, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const res = await env.api.get(`${TENANTS}/${code}`, env.operator.token);
    last = res.body;
    if (res.status === 200 && ready(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${res.status} ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Wait until the workflow is closed; returns Temporal's view of it. */
export async function closedRun(env: PlatformEnv, workflowId: string, timeoutMs = 60_000) {
  const handle = (await env.rt.temporal()).workflow.getHandle(workflowId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING') return { status: d.status.name, runId: d.runId, sa: { status: d.typedSearchAttributes.get(SA.status), process: d.typedSearchAttributes.get(SA.process), tenant: d.typedSearchAttributes.get(SA.tenant) } };
    if (Date.now() > deadline) throw new Error(`${workflowId} still running`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function scheduleState(env: PlatformEnv, code: string): Promise<'missing' | 'paused' | 'active'> {
  try {
    const d = await (await env.rt.temporal()).schedule.getHandle(digestScheduleId(code)).describe();
    return d.state.paused ? 'paused' : 'active';
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return 'missing';
    throw err;
  }
}

export function mailedToken(env: PlatformEnv, email: string): string | undefined {
  return env.smtp.messages
    .filter((m) => m.to.includes(email))
    .map((m) => /Activation token: (\S+?)\)/.exec(m.text)?.[1])
    .filter((x): x is string => !!x)
    .at(-1);
}

export async function waitForToken(env: PlatformEnv, email: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = mailedToken(env, email);
    if (t) return t;
    if (Date.now() > deadline) throw new Error(`no invitation mail to ${email}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
