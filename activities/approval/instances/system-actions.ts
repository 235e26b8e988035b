/**
 * The approval flow's calls into the rest of the system, besides role grants: webhooks to
 * other services and the named domain activities of SYSTEM_ACTIVITIES. Each is idempotent on
 * the key the workflow passes (`<workflowId>:<step or hook>`): the webhook sends it as
 * `Idempotency-Key`, a message is deduplicated by it, a to-do is tagged with its hash.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Runtime } from '../../runtime';
import { systemActor } from '../../../common/actor';
import { Todo } from '../../../db/entities';
import { asActivity } from '../../../common/failures';
import { isSystemActivity } from '../../../workflows/approval/dsl';

export interface WebhookCall {
  tenantId: string;
  url: string;
  method: 'POST' | 'PUT';
  body: Record<string, unknown>;
  key: string;
  /** Sent as headers so the receiver can tell which request and step called. */
  instanceId: string;
  stepId: string | null;
}

export interface SystemActivityCall {
  tenantId: string;
  name: string;
  input: Record<string, unknown>;
  /** Who the action is about when the template names nobody. */
  initiatorId: string;
  key: string;
}

const WEBHOOK_TIMEOUT_MS = 10_000;

/** Webhook hosts a template may call: WEBHOOK_ALLOWED_HOSTS, or any when it is unset. */
export function webhookHostAllowed(allowed: string | undefined, url: string): boolean {
  if (!allowed) return true;
  const host = new URL(url).hostname.toLowerCase();
  return allowed
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean)
    .some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h));
}

const text = (v: unknown, name: string): string => {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number') return String(v);
  throw ApplicationFailure.nonRetryable(`The input "${name}" is missing or not text`, 'validation_failed');
};

export function createSystemActionActivities(rt: Runtime) {
  return {
    /**
     * Call the webhook once per key. 2xx = done; 408, 429 and 5xx (and network errors) are
     * retried by the activity's policy; any other answer is final (the receiver said no).
     */
    callApprovalWebhook: (call: WebhookCall): Promise<{ status: number }> =>
      asActivity(async () => {
        if (!webhookHostAllowed(rt.config.WEBHOOK_ALLOWED_HOSTS, call.url)) {
          throw ApplicationFailure.nonRetryable(`Webhooks to ${new URL(call.url).hostname} are not allowed (WEBHOOK_ALLOWED_HOSTS)`, 'validation_failed');
        }
        const res = await fetch(call.url, {
          method: call.method,
          headers: {
            'content-type': 'application/json',
            'idempotency-key': call.key,
            'user-agent': 'Signoff-Webhook/1',
            'x-signoff-instance': call.instanceId,
            ...(call.stepId ? { 'x-signoff-step': call.stepId } : {}),
          },
          body: JSON.stringify(call.body),
          redirect: 'error',
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        await res.body?.cancel();
        if (res.ok) return { status: res.status };
        const message = `${call.method} ${call.url} answered ${res.status}`;
        if (res.status === 408 || res.status === 429 || res.status >= 500) throw ApplicationFailure.retryable(message, 'webhook_unavailable');
        throw ApplicationFailure.nonRetryable(message, 'webhook_rejected');
      }),

    /** Run one of SYSTEM_ACTIVITIES with the template's (already resolved) input. */
    runApprovalSystemActivity: (call: SystemActivityCall): Promise<{ ref: string }> =>
      asActivity(async () => {
        if (!isSystemActivity(call.name)) throw ApplicationFailure.nonRetryable(`No system activity "${call.name}"`, 'validation_failed');
        const userId = typeof call.input.userId === 'string' && call.input.userId ? call.input.userId : call.initiatorId;
        switch (call.name) {
          case 'postMessage': {
            const message = await rt.services.messages.createSystemMessage({
              tenantId: call.tenantId,
              userId,
              dedupeKey: call.key,
              category: 'approval',
              title: text(call.input.title, 'title'),
              body: text(call.input.body, 'body'),
            });
            return { ref: message.id };
          }
          case 'createTodo': {
            // The tag makes the to-do findable again: a retry finds it instead of adding another.
            const tag = `appr-${createHash('sha256').update(call.key).digest('hex').slice(0, 24)}`;
            const existing = await rt.orm.em.fork().findOne(Todo, { tenantId: call.tenantId, userId, tagIndex: { $like: `%|${tag}|%` } });
            if (existing) return { ref: existing.id };
            const days = Number(call.input.dueInDays);
            const todo = await rt.services.todos.create(systemActor(call.tenantId, userId), {
              title: text(call.input.title, 'title'),
              notes: typeof call.input.notes === 'string' ? call.input.notes : undefined,
              tags: ['approval', tag],
              dueAt: Number.isFinite(days) && days > 0 ? new Date(Date.now() + days * 86_400_000).toISOString() : null,
            });
            return { ref: todo.id };
          }
        }
      }),
  };
}
