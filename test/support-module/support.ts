/** Shared set-up for the support-module suites: one runtime + API per file, tokens per demo user. */
import type { Runtime } from '../../activities/runtime';
import type { AuditEntry } from '../../activities/support/audit';
import { createTenant, createTestRuntime, startTestApi, tokenFor, uniqueCode, type TenantFixture, type TestApi } from '../support/harness';

export interface Suite {
  rt: Runtime;
  api: TestApi;
}

export function useSuite(overrides: Record<string, string> = {}): Suite {
  const suite = {} as Suite;
  beforeAll(async () => {
    suite.rt = await createTestRuntime(overrides);
    suite.api = await startTestApi(suite.rt);
  });
  afterAll(async () => {
    await suite.api?.close();
    await suite.rt?.close();
  });
  return suite;
}

export type DemoUser = keyof TenantFixture['users'];
export type TenantWithTokens = TenantFixture & { tokens: Record<DemoUser, string> };

/** A fresh tenant with the demo org chart and an access token for each of its users. */
export async function tenantWithTokens(rt: Runtime): Promise<TenantWithTokens> {
  const t = await createTenant(rt);
  const tokens = {} as Record<DemoUser, string>;
  for (const [name, user] of Object.entries(t.users)) tokens[name as DemoUser] = await tokenFor(rt, user);
  return { ...t, tokens };
}

export const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);

/** An audit row as the middleware would record it (a fresh request id, now), with overrides. */
export const auditEntry = (tenantId: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  tenantId,
  userId: '00000000-0000-4000-8000-000000000001',
  via: 'access_token',
  apiKeyId: null,
  method: 'POST',
  action: 'POST /api/v1/things',
  targetId: null,
  params: null,
  status: 201,
  success: true,
  errorCode: null,
  requestId: uniqueCode('req'),
  ip: '127.0.0.1',
  durationMs: 3,
  createdAt: new Date(),
  ...extra,
});
