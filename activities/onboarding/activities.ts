/**
 * Temporal activities of the onboarding workflow. Each is idempotent (keys from the workflow id
 * and the step): activation mails go through the mail ledger, to-dos carry a tag derived from
 * the workflow id and the item, compensations tolerate "nothing to undo".
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Runtime } from '../runtime';
import { systemActor } from '../../common/actor';
import { NotFoundError } from '../../common/errors';
import { MailDelivery, Tenant, Todo, User } from '../../db/entities';
import { asActivity } from '../../common/failures';
import { linkChecklistTodo } from './checklist-todos';
import {
  CHECKLIST_TEMPLATES,
  activationMailKey,
  dayOneKey,
  escalationKey,
  type ChecklistItemState,
  type OnboardingInput,
} from '../../workflows/onboarding/contract';

/** Activation tokens: `<base64url(workflowId)>.<secret>`; only sha256(secret) is kept (in the workflow). */
export const hashActivationSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
export function makeActivationToken(workflowId: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${Buffer.from(workflowId).toString('base64url')}.${secret}`, hash: hashActivationSecret(secret) };
}
export function parseActivationToken(token: string): { workflowId: string; hash: string } | null {
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{20,})$/.exec(token);
  if (!m) return null;
  return { workflowId: Buffer.from(m[1], 'base64url').toString('utf8'), hash: hashActivationSecret(m[2]) };
}

/** The to-do tag that makes a checklist item's to-do findable again (Tag max 32 chars). */
export const checklistTag = (workflowId: string, key: string) => `onb-${createHash('sha256').update(`${workflowId}:${key}`).digest('hex').slice(0, 24)}`;

const ownerOf = (input: OnboardingInput, userId: string, assignee: ChecklistItemState['assignee']) =>
  assignee === 'new_hire' ? userId : assignee === 'manager' ? input.managerId : input.itUserId;

export function createOnboardingActivities(rt: Runtime) {
  const load = async (tenantId: string, userId: string) => {
    const em = rt.orm.em.fork();
    const user = await em.findOne(User, { tenantId, id: userId, deletedAt: null });
    if (!user) throw new NotFoundError('user', userId);
    const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
    return { user, tenant };
  };
  const publicUrl = (path: string) => (rt.config.PUBLIC_URL ? `${rt.config.PUBLIC_URL.replace(/\/$/, '')}${path}` : path);

  /** Find (or create) the to-do of one checklist item / check-in: the tag is its idempotency key. */
  const ensureTodo = async (tenantId: string, ownerId: string, tag: string, title: string, notes: string, dueAt: string | null) => {
    const existing = await rt.orm.em.fork().findOne(Todo, { tenantId, userId: ownerId, tagIndex: { $like: `%|${tag}|%` } });
    if (existing) return existing.id;
    const todo = await rt.services.todos.create(systemActor(tenantId, ownerId), { title, notes, tags: ['onboarding', tag], dueAt, priority: 'normal' });
    return todo.id;
  };

  return {
    /**
     * Mail the new hire an activation link (n = 0 welcome, n > 0 reminders). Returns the hash of
     * the new token for the workflow to keep, or null when this mail had already gone out in an
     * earlier attempt (the workflow then keeps the previous hash; the next reminder sends a fresh one).
     */
    async sendActivationLink(input: OnboardingInput, workflowId: string, userId: string, n: number): Promise<{ tokenHash: string | null }> {
      return asActivity(async () => {
        const dedupeKey = activationMailKey(workflowId, n);
        const sent = await rt.orm.em.fork().findOne(MailDelivery, { dedupeKey, status: 'sent' });
        if (sent) return { tokenHash: null };
        const { user, tenant } = await load(input.tenantId, userId);
        const { token, hash } = makeActivationToken(workflowId);
        const link = publicUrl(`/activate?token=${encodeURIComponent(token)}`);
        await rt.services.mailer.send({
          tenantId: input.tenantId,
          dedupeKey,
          to: user.email,
          subject: n === 0 ? `Welcome to ${tenant.name}: activate your account` : `Reminder: activate your ${tenant.name} account`,
          text: [
            `Hello ${user.displayName},`,
            '',
            n === 0 ? `Welcome to ${tenant.name}! An account "${user.username}" was created for you.` : 'Your account is still waiting for you.',
            `Set your password and complete your profile here: ${link}`,
            `(Activation token: ${token})`,
            n > 0 ? 'Links sent earlier no longer work; use this one.' : '',
          ].join('\n'),
        });
        return { tokenHash: hash };
      });
    },

    /** Tell the HR requester (in-app message and mail) that the activation deadline passed. */
    async escalateActivation(input: OnboardingInput, workflowId: string): Promise<{ messageId: string }> {
      return asActivity(async () => {
        const { user: hr } = await load(input.tenantId, input.requestedBy);
        const text = `${input.displayName} (${input.username}) has not activated the account before the deadline. Contact them, or cancel the onboarding.`;
        const message = await rt.services.messages.createSystemMessage({
          tenantId: input.tenantId,
          userId: hr.id,
          dedupeKey: escalationKey(workflowId),
          category: 'system',
          title: `Onboarding of ${input.username}: activation overdue`,
          body: text,
        });
        await rt.services.mailer.send({ tenantId: input.tenantId, dedupeKey: `${escalationKey(workflowId)}:mail`, to: hr.email, subject: `Onboarding of ${input.username}: activation overdue`, text });
        return { messageId: message.id };
      });
    },

    /** One to-do per checklist item, for the new hire, the manager or IT. */
    async createOnboardingChecklist(input: OnboardingInput, workflowId: string, userId: string): Promise<ChecklistItemState[]> {
      return asActivity(async () => {
        const items: ChecklistItemState[] = [];
        for (const def of CHECKLIST_TEMPLATES[input.checklistTemplate]) {
          const owner = ownerOf(input, userId, def.assignee);
          const todoId = await ensureTodo(
            input.tenantId,
            owner,
            checklistTag(workflowId, def.id),
            `${def.title} (${input.displayName})`,
            `Onboarding of ${input.displayName} (${input.username}), starting ${input.startDate.slice(0, 10)}. Completing this to-do reports the item done.`,
            input.startDate,
          );
          await linkChecklistTodo(rt, { tenantId: input.tenantId, todoId, workflowId, itemId: def.id });
          items.push({ id: def.id, title: def.title, assignee: def.assignee, userId: owner, todoId, done: false, doneAt: null, doneBy: null });
        }
        return items;
      });
    },

    /** Day one: an in-app message and a mail with the first-day information. */
    async sendDayOneInfo(input: OnboardingInput, workflowId: string, userId: string): Promise<{ deliveryId: string }> {
      return asActivity(async () => {
        const { user, tenant } = await load(input.tenantId, userId);
        const { user: manager } = await load(input.tenantId, input.managerId);
        const body = [
          `Welcome to your first day at ${tenant.name}, ${user.displayName}!`,
          `Your manager is ${manager.displayName}. Your onboarding to-dos are in Signoff.`,
        ].join('\n');
        await rt.services.messages.createSystemMessage({ tenantId: input.tenantId, userId, dedupeKey: dayOneKey(workflowId), category: 'welcome', title: 'Your first day', body });
        const { delivery } = await rt.services.mailer.send({ tenantId: input.tenantId, dedupeKey: `${dayOneKey(workflowId)}:mail`, to: user.email, subject: `Your first day at ${tenant.name}`, text: body });
        return { deliveryId: delivery.id };
      });
    },

    /** Check-ins with the manager (day 7, day 30 by default) as dated to-dos. */
    async scheduleCheckIns(input: OnboardingInput, workflowId: string, userId: string): Promise<{ label: string; dueAt: string; todoId: string }[]> {
      return asActivity(async () => {
        const start = Date.parse(input.startDate);
        const out: { label: string; dueAt: string; todoId: string }[] = [];
        for (const [i, offset] of input.timing.checkInOffsetsMs.entries()) {
          const label = `Check-in ${i + 1} with ${input.displayName}`;
          const dueAt = new Date(start + offset).toISOString();
          const todoId = await ensureTodo(input.tenantId, input.managerId, checklistTag(workflowId, `checkin-${i}`), label, `Onboarding check-in with ${input.username} (user ${userId}).`, dueAt);
          out.push({ label, dueAt, todoId });
        }
        return out;
      });
    },

    /** Compensation: disable the account (ends its sessions). A user already gone is nothing to undo. */
    async disableOnboardedUser(tenantId: string, userId: string, requestedBy: string): Promise<{ disabled: boolean }> {
      return asActivity(async () => {
        try {
          await rt.services.users.disable(systemActor(tenantId, requestedBy), userId);
          return { disabled: true };
        } catch (err) {
          if (err instanceof NotFoundError) return { disabled: false };
          throw err;
        }
      });
    },

    /** Compensation: remove the onboarding to-dos still open; done ones stay as history. */
    async cancelOnboardingTodos(tenantId: string, todos: { userId: string; todoId: string }[]): Promise<{ cancelled: number; kept: number }> {
      return asActivity(async () => {
        let cancelled = 0;
        let kept = 0;
        for (const { userId, todoId } of todos) {
          const todo = await rt.orm.em.fork().findOne(Todo, { tenantId, userId, id: todoId });
          if (!todo) continue;
          if (todo.status !== 'open') {
            kept++;
            continue;
          }
          await rt.services.todos.remove(systemActor(tenantId, userId), todoId);
          cancelled++;
        }
        return { cancelled, kept };
      });
    },
  };
}
