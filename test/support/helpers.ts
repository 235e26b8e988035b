/** Helpers shared by the support-domain suites (messages, announcements, to-dos, plans, audit). */
import type { AuditEntry } from '../../activities/support/audit/service';
import { uniqueCode } from '../harness/harness';

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
