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
import { webhookHostAllowed } from './webhook-target';
import { sendWebhook } from './webhook-client';

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
     * Internal addresses are refused (webhook-target.ts), finally. The failure message reaches
     * tenant users (the request's timeline): it says what kind of trouble, never the URL, the
     * address or the receiver's answer; the worker log has those for operators.
     */
    callApprovalWebhook: (call: WebhookCall): Promise<{ status: number }> =>
      asActivity(async () => {
        if (!webhookHostAllowed(rt.config.WEBHOOK_ALLOWED_HOSTS, call.url)) {
          throw ApplicationFailure.nonRetryable('the webhook\'s host is not allowed (WEBHOOK_ALLOWED_HOSTS)', 'webhook_blocked');
        }
        const outcome = await sendWebhook({
          url: call.url,
          method: call.method,
          headers: {
            'content-type': 'application/json',
            'idempotency-key': call.key,
            'user-agent': 'Signoff-Webhook/1',
            'x-signoff-instance': call.instanceId,
            ...(call.stepId ? { 'x-signoff-step': call.stepId } : {}),
          },
          body: JSON.stringify(call.body),
          timeoutMs: WEBHOOK_TIMEOUT_MS,
          allowedHosts: rt.config.WEBHOOK_ALLOWED_HOSTS,
        });
        const where = { instanceId: call.instanceId, stepId: call.stepId, host: new URL(call.url).host };
        if (outcome.kind === 'blocked') {
          rt.log.warn({ ...where, reason: outcome.reason }, 'webhook refused: internal address');
          throw ApplicationFailure.nonRetryable('the webhook\'s address is not allowed (internal network)', 'webhook_blocked');
        }
        if (outcome.kind === 'unreachable') {
          rt.log.info({ ...where, reason: outcome.reason }, 'webhook unreachable');
          throw ApplicationFailure.retryable('the receiver could not be reached', 'webhook_unavailable');
        }
        const { status } = outcome;
        if (status >= 200 && status < 300) return { status };
        rt.log.info({ ...where, status }, 'webhook answered with an error');
        if (status === 408 || status === 429 || status >= 500) throw ApplicationFailure.retryable('the receiver is unavailable', 'webhook_unavailable');
        throw ApplicationFailure.nonRetryable('the receiver refused the call', 'webhook_rejected');
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
