/** Small helpers shared by the permission tests. */
import { createTestRuntime, startTestApi, createTenant, tokenFor, type TestApi, type TenantFixture } from '../support/harness';
import type { Runtime } from '../../activities/runtime';

export interface MenuNodeLike {
  key: string;
  children: MenuNodeLike[];
}

/** A tree as an indented outline of keys: easy to compare and to read in a failure. */
export const outline = (nodes: MenuNodeLike[], depth = 0): string[] =>
  nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.key}`, ...outline(n.children, depth + 1)]);

export interface PermTestEnv {
  rt: Runtime;
  api: TestApi;
  close(): Promise<void>;
}

export async function startEnv(): Promise<PermTestEnv> {
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

/** A fresh demo tenant plus tokens of its admin (tenant_admin), harry (hr), alice (employee). */
export async function tenantWithTokens(rt: Runtime): Promise<TenantFixture & { tokens: { admin: string; harry: string; alice: string; carol: string } }> {
  const t = await createTenant(rt);
  const tokens = {
    admin: await tokenFor(rt, t.users.admin),
    harry: await tokenFor(rt, t.users.harry),
    alice: await tokenFor(rt, t.users.alice),
    carol: await tokenFor(rt, t.users.carol),
  };
  return { ...t, tokens };
}
