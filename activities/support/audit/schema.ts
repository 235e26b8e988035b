/** The audit log of state-changing API calls. */
import { z } from 'zod';
import { PageQuery } from '../../../common/pagination';
import type { AuditChange, AuditLog } from '../../../db/entities';
import { Instant, SearchText, Uuid } from '../../../common/schema';

export const AuditLogQuery = PageQuery.extend({
  userId: Uuid.optional(),
  /** Part of the action, case-insensitive: `users`, `PATCH /api/v1/users/:id`. */
  action: SearchText,
  /** The target id exactly (the `:id` of the call, or its first path parameter). */
  target: z.string().trim().min(1).max(255).optional(),
  result: z.enum(['success', 'failure']).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
});
export type AuditLogQuery = z.infer<typeof AuditLogQuery>;

export const AuditLogView = z.object({
  id: z.string(),
  userId: z.string(),
  via: z.enum(['access_token', 'api_key']),
  apiKeyId: z.string().nullable(),
  method: z.string(),
  action: z.string(),
  targetId: z.string().nullable(),
  params: z.record(z.string(), z.string()).nullable(),
  status: z.number().int(),
  success: z.boolean(),
  errorCode: z.string().nullable(),
  requestId: z.string(),
  ip: z.string().nullable(),
  durationMs: z.number().int(),
  createdAt: z.string(),
});
export type AuditLogView = z.infer<typeof AuditLogView>;

export const toAuditLogView = (a: AuditLog): AuditLogView => ({
  id: a.id,
  userId: a.userId,
  via: a.via,
  apiKeyId: a.apiKeyId,
  method: a.method,
  action: a.action,
  targetId: a.targetId,
  params: a.params,
  status: a.status,
  success: a.success,
  errorCode: a.errorCode,
  requestId: a.requestId,
  ip: a.ip,
  durationMs: a.durationMs,
  createdAt: a.createdAt.toISOString(),
});

/** What changed, field by field (rows written with the change itself, see db/audit-changes.ts). */
export const AuditChangeQuery = PageQuery.extend({
  /** Entity class exactly: `User`, `Todo`, `ApprovalInstance`… */
  entity: z.string().trim().min(1).max(64).optional(),
  entityId: z.string().trim().min(1).max(64).optional(),
  source: z.enum(['api', 'public', 'workflow', 'system']).optional(),
  userId: Uuid.optional(),
  from: Instant.optional(),
  to: Instant.optional(),
});
export type AuditChangeQuery = z.infer<typeof AuditChangeQuery>;

export const AuditChangeView = z.object({
  id: z.string(),
  entity: z.string(),
  entityId: z.string(),
  op: z.enum(['create', 'update', 'delete']),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
  source: z.enum(['api', 'public', 'workflow', 'system']),
  userId: z.string().nullable(),
  requestId: z.string().nullable(),
  workflowId: z.string().nullable(),
  createdAt: z.string(),
});
export type AuditChangeView = z.infer<typeof AuditChangeView>;

export const toAuditChangeView = (c: AuditChange): AuditChangeView => ({
  id: c.id,
  entity: c.entity,
  entityId: c.entityId,
  op: c.op,
  changes: c.changes as AuditChangeView['changes'],
  source: c.source,
  userId: c.userId,
  requestId: c.requestId,
  workflowId: c.workflowId,
  createdAt: c.createdAt.toISOString(),
});
