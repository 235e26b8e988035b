/**
 * Durable audit of what changed: an ORM event subscriber that, in every flush, adds one
 * `audit_changes` row per created, updated or deleted entity, with the fields that changed
 * (before/after, secrets redacted). The rows join the flush's own change sets, so they are
 * written in the same transaction as the change: no change without its audit row and no audit
 * row for a change that rolled back, whoever made it (a signed-in caller, a public call such as
 * account activation or token refresh, a workflow's activity, a script).
 *
 * Who and where from come from the async context (common/context.ts): the API sets the request
 * id and, once authenticated, the user; the worker sets the workflow id of each activity.
 *
 * Not covered: bulk statements that bypass the unit of work (`nativeUpdate`, `nativeDelete`,
 * `insertMany`, query builders). The API-call audit (audit_logs) still records the call.
 */
import { ChangeSetType, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core';
import { currentLogContext } from '../common/context';
import { newId } from '../common/ids';
import { AuditChange, type AuditChangeSource } from './entities/support';

/**
 * Not audited: logs of their own (or this very table), where an audit row would only add noise
 * or recurse; and the approval read model, which the projection activity alone writes from the
 * workflow's history: that history is its immutable record, and approval_events (the request's
 * timeline, with who did what) is already its log. Auditing it cost an insert and a JSON copy of
 * the form in each of an approval's ~6 projection batches for nothing an admin could not read
 * on the timeline.
 */
const NOT_AUDITED = new Set(['AuditChange', 'AuditLog', 'LoginLog', 'ApprovalInstance', 'ApprovalTask', 'ApprovalEvent']);

/** Field names whose values never leave the row they belong to. */
const SECRET = /password|hash|secret|salt|credential|private|^token$|^key$|Token$/i;

/** Values longer than this (template definitions, message bodies) are summarised, not copied. */
const MAX_VALUE_CHARS = 1000;

function shown(field: string, value: unknown): unknown {
  if (value === undefined) return null;
  if (SECRET.test(field)) return value === null ? null : '[redacted]';
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text !== undefined && text.length > MAX_VALUE_CHARS) return `[${text.length} characters]`;
  return value;
}

const same = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : JSON.stringify(a) === JSON.stringify(b));

function source(): Pick<AuditChange, 'source' | 'userId' | 'requestId' | 'workflowId'> {
  const ctx = currentLogContext();
  const kind: AuditChangeSource = ctx.workflowId ? 'workflow' : ctx.requestId ? (ctx.userId ? 'api' : 'public') : 'system';
  return { source: kind, userId: ctx.userId ?? null, requestId: ctx.requestId ?? null, workflowId: ctx.workflowId ?? null };
}

export class AuditChangeSubscriber implements EventSubscriber {
  onFlush(args: FlushEventArgs): void {
    const changeSets = [...args.uow.getChangeSets()]; // a copy: the audit rows join the live list
    if (!changeSets.length) return;
    const who = source();
    const now = new Date();
    for (const cs of changeSets) {
      const entity = cs.meta.className;
      if (NOT_AUDITED.has(entity)) continue;
      const record = cs.entity as Record<string, unknown>;
      const tenantId = entity === 'Tenant' ? record.id : record.tenantId;
      if (typeof tenantId !== 'string' || !tenantId) continue; // platform data (the permission catalogue)
      const before = (cs.originalEntity ?? {}) as Record<string, unknown>;
      const changes: AuditChange['changes'] = {};
      let op: AuditChange['op'];
      if (cs.type === ChangeSetType.CREATE) {
        op = 'create';
        for (const [field, value] of Object.entries(cs.payload as Record<string, unknown>)) changes[field] = { before: null, after: shown(field, value) };
      } else if (cs.type === ChangeSetType.UPDATE || cs.type === ChangeSetType.UPDATE_EARLY) {
        op = 'update';
        for (const field of Object.keys(cs.payload as Record<string, unknown>)) {
          const after = record[field];
          if (field === 'updatedAt' || same(before[field], after)) continue;
          changes[field] = { before: shown(field, before[field]), after: shown(field, after) };
        }
        if (!Object.keys(changes).length) continue;
      } else {
        op = 'delete';
        for (const [field, value] of Object.entries(before)) changes[field] = { before: shown(field, value), after: null };
      }
      const row = Object.assign(new AuditChange(), {
        id: newId(),
        tenantId,
        entity,
        entityId: String(cs.getSerializedPrimaryKey() ?? record.id ?? '').slice(0, 64),
        op,
        changes,
        ...who,
        createdAt: now,
      });
      args.uow.computeChangeSet(row);
    }
  }
}
