/** Helpers shared by the approval-template tests. */
import { createTestRuntime, startTestApi, createTenant, tokenFor, type TestApi, type TenantFixture } from '../support/harness';
import type { Runtime } from '../../activities/runtime';
import type { TemplateInput } from '../../workflows/approval/dsl';

export const TEMPLATES = '/api/v1/approval-templates';

export interface TplEnv {
  rt: Runtime;
  api: TestApi;
  close(): Promise<void>;
}

export async function startEnv(): Promise<TplEnv> {
  const rt = await createTestRuntime();
  const api = await startTestApi(rt);
  return {
    rt,
    api,
    async close() {
      await api.close();
      await rt.close();
    },
  };
}

export type TenantWithTokens = TenantFixture & { tokens: Record<'admin' | 'alice' | 'pete' | 'fiona' | 'harry' | 'carol', string> };

/** A fresh demo tenant (with the preset templates) and tokens of its people. */
export async function tenantWithTokens(rt: Runtime): Promise<TenantWithTokens> {
  const t = await createTenant(rt);
  const names = ['admin', 'alice', 'pete', 'fiona', 'harry', 'carol'] as const;
  const tokens = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await tokenFor(rt, t.users[n])]))) as TenantWithTokens['tokens'];
  return { ...t, tokens };
}

/** A small valid template: a form with one field of most types and one approval step. */
export function baseTemplate(key = 'base', extra: Partial<TemplateInput> = {}): TemplateInput {
  return {
    key,
    name: `Template ${key}`,
    category: 'general',
    formSchema: {
      fields: [
        { id: 'amount', label: 'Amount', type: 'money', required: true },
        { id: 'title', label: 'Title', type: 'text' },
        { id: 'kind', label: 'Kind', type: 'select', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
        { id: 'boss', label: 'Boss', type: 'user' },
        { id: 'start', label: 'Start', type: 'date' },
        { id: 'period', label: 'Period', type: 'dateRange' },
      ],
    },
    flow: [{ kind: 'approval', id: 'head', name: 'Department head', assignees: { type: 'departmentHead' } }],
    ...extra,
  };
}

/** `path code` strings, sorted: exact, order-independent comparison of problem lists. */
export const problems = (errors: { path: string; code?: string }[] | undefined) => (errors ?? []).map((e) => `${e.path} ${e.code}`).sort();
