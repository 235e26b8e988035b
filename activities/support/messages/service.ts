/**
 * In-app messages (站内信). Workflows create system messages idempotently (and remove them when
 * a saga compensates); users read their own inbox and, with `message:send`, send to users,
 * departments or roles. A message row belongs to one recipient: nobody else ever sees it.
 */
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { Runtime } from '../../runtime';
import type { Actor } from '../../../common/actor';
import { ConflictError, NotFoundError, ValidationError } from '../../../common/errors';
import { newId } from '../../../common/ids';
import { offsetOf, pageOf, type Page } from '../../../common/pagination';
import { InAppMessage, User } from '../../../db/entities';
import { parseInput } from '../../../common/schema';
import {
  MAX_RECIPIENTS,
  SendMessageInput,
  toMessageView,
  type BulkReadInput,
  type InboxQuery,
  type MessageView,
  type SendResult,
} from './schema';
import { activeUsersOf, resolveRefs } from '../audience';

export interface SystemMessageInput {
  tenantId: string;
  userId: string;
  title: string;
  body: string;
  category?: string;
  /** `<workflowId>:<step>`: a retried activity finds its message instead of adding a second one. */
  dedupeKey: string;
}

export class MessageService {
  constructor(private readonly rt: Runtime) {}

  /** Create a message for a user of the tenant, or return the one already created with this key. */
  async createSystemMessage(input: SystemMessageInput): Promise<InAppMessage> {
    const { tenantId, userId, dedupeKey } = input;
    const existing = await this.byKey(dedupeKey);
    if (existing) return this.sameTenant(existing, tenantId);
    const em = this.rt.orm.em.fork();
    if (!(await em.count(User, { tenantId, id: userId, deletedAt: null }))) throw new NotFoundError('user', userId);
    try {
      const message = this.stageSystemMessage(em, input);
      await em.flush();
      return message;
    } catch (err) {
      // Two attempts raced on the same key: the winner's row is the answer for both.
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      const raced = await this.byKey(dedupeKey);
      if (!raced) throw err;
      return this.sameTenant(raced, tenantId);
    }
  }

  /**
   * A system message for a user the caller has just read (active, of this tenant), added to the
   * caller's unit of work so it is written in the same transaction as the caller's own row (the
   * notification fan-out writes the message and its delivery together). The unique dedupe key
   * refuses a second message for the key when the caller flushes.
   */
  stageSystemMessage(em: EntityManager, input: SystemMessageInput): InAppMessage {
    return em.create(InAppMessage, {
      id: newId(),
      tenantId: input.tenantId,
      userId: input.userId,
      title: input.title.slice(0, 200),
      body: input.body,
      category: input.category ?? 'system',
      dedupeKey: input.dedupeKey,
    });
  }

  /** Remove the message created with this key (saga compensation). 0 when there was none. */
  async deleteByDedupeKey(tenantId: string, dedupeKey: string): Promise<number> {
    return this.rt.orm.em.fork().nativeDelete(InAppMessage, { tenantId, dedupeKey });
  }

  /** Remove every message of a user that is being hard-deleted (provisioning compensation). */
  async deleteAllOfUser(tenantId: string, userId: string): Promise<number> {
    return this.rt.orm.em.fork().nativeDelete(InAppMessage, { tenantId, userId });
  }

  // ------------------------------------------------------------------ the user's inbox

  /** The caller's own messages, newest first; optionally only unread ones or one category. */
  async inbox(actor: Actor, q: InboxQuery): Promise<Page<MessageView>> {
    const where = {
      ...this.mine(actor),
      ...(q.unread === true ? { readAt: null } : q.unread === false ? { readAt: { $ne: null } } : {}),
      ...(q.category ? { category: q.category } : {}),
    };
    const [rows, total] = await this.rt.orm.em.findAndCount(InAppMessage, where, {
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...offsetOf(q),
    });
    return pageOf(rows.map(toMessageView), total, q);
  }

  async unreadCount(actor: Actor): Promise<{ unread: number }> {
    return { unread: await this.rt.orm.em.count(InAppMessage, { ...this.mine(actor), readAt: null }) };
  }

  async get(actor: Actor, id: string): Promise<MessageView> {
    return toMessageView(await this.findMine(actor, id));
  }

  /** Mark one message read or unread. Marking read twice keeps the first read time. */
  async setRead(actor: Actor, id: string, read: boolean): Promise<MessageView> {
    const em = this.rt.orm.em.fork();
    const message = await this.findMine(actor, id, em);
    if (read) message.readAt ??= new Date();
    else message.readAt = null;
    await em.flush();
    return toMessageView(message);
  }

  /** Mark several (ids; others' ids are simply not among "mine") or all unread messages read. */
  async markManyRead(actor: Actor, input: BulkReadInput): Promise<{ updated: number }> {
    const where = {
      ...this.mine(actor),
      readAt: null,
      ...('ids' in input ? { id: { $in: [...new Set(input.ids)] } } : input.category ? { category: input.category } : {}),
    };
    return { updated: await this.rt.orm.em.fork().nativeUpdate(InAppMessage, where, { readAt: new Date() }) };
  }

  /** Soft delete: the row stays (workflows may still refer to it by dedupe key) but leaves the inbox. */
  async remove(actor: Actor, id: string): Promise<void> {
    const em = this.rt.orm.em.fork();
    const message = await this.findMine(actor, id, em);
    message.deletedAt = new Date();
    await em.flush();
  }

  /**
   * Send a message to users, departments (optionally with their subtrees) and roles of the
   * caller's tenant. Every reference is checked first; the audience is expanded server-side to
   * active users, each of whom gets one copy, all in one transaction.
   */
  async send(actor: Actor, raw: SendMessageInput): Promise<SendResult> {
    const input = parseInput(SendMessageInput, raw, 'The message cannot be sent');
    const { recipients } = input;
    return this.rt.orm.em.fork().transactional(async (tx) => {
      const refs = await resolveRefs(
        tx,
        actor.tenantId,
        { userIds: recipients.userIds, roleCodes: recipients.roleCodes, departments: recipients.departmentIds.map((id) => ({ id, includeSubtree: recipients.includeSubtree })) },
        { userIds: 'recipients.userIds', departments: (i) => `recipients.departmentIds.${i}`, roleCodes: 'recipients.roleCodes' },
      );
      if (refs.errors.length) throw new ValidationError('Some recipients do not exist', refs.errors);
      const userIds = await activeUsersOf(tx, actor.tenantId, { userIds: refs.userIds, departments: refs.departments, roleIds: refs.roles.map((r) => r.id) });
      if (!userIds.length) {
        throw new ValidationError('Nobody active is in this audience', [{ path: 'recipients', message: 'expands to no active user', code: 'no_recipients' }], 'no_recipients');
      }
      if (userIds.length > MAX_RECIPIENTS) {
        throw new ValidationError(
          `At most ${MAX_RECIPIENTS} recipients per message; publish an announcement instead`,
          [{ path: 'recipients', message: `expands to ${userIds.length} users`, code: 'too_many_recipients' }],
          'too_many_recipients',
        );
      }
      const now = new Date();
      await tx.insertMany(
        InAppMessage,
        userIds.map((userId) => ({
          id: newId(),
          tenantId: actor.tenantId,
          userId,
          senderId: actor.userId,
          title: input.title,
          body: input.body,
          category: input.category,
          dedupeKey: null,
          readAt: null,
          deletedAt: null,
          createdAt: now,
        })),
      );
      return { sent: userIds.length, recipientIds: userIds };
    });
  }

  private mine(actor: Actor) {
    return { tenantId: actor.tenantId, userId: actor.userId, deletedAt: null };
  }

  /** One of the caller's own messages; anybody else's id (any tenant) is "not found". */
  private async findMine(actor: Actor, id: string, em = this.rt.orm.em): Promise<InAppMessage> {
    const message = await em.findOne(InAppMessage, { ...this.mine(actor), id });
    if (!message) throw new NotFoundError('message', id);
    return message;
  }

  private byKey(dedupeKey: string) {
    return this.rt.orm.em.fork().findOne(InAppMessage, { dedupeKey });
  }

  /** Keys are unique platform-wide; never hand one tenant's row to another. */
  private sameTenant(message: InAppMessage, tenantId: string): InAppMessage {
    if (message.tenantId !== tenantId) throw new ConflictError('dedupe_key_conflict', 'This dedupe key is already used');
    return message;
  }
}
