/** Personal to-dos: only the owner lists, reads or changes them (others' ids are "not found"). */
import { QueryOrder } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Runtime } from '../../runtime';
import type { Actor } from '../../../common/actor';
import { NotFoundError } from '../../../common/errors';
import { newId } from '../../../common/ids';
import { offsetOf, pageOf, type Page } from '../../../common/pagination';
import { Todo } from '../../../db/entities';
import { contains, like, likeLiteral } from '../../../common/query';
import { parseInput, toDate } from '../../../common/schema';
import { TodoEvents } from './events';
import {
  CreateTodoInput,
  PRIORITY_RANK,
  toTodoView,
  UpdateTodoInput,
  type TodoListQuery,
  type TodoView,
} from './schema';

/** Tags compare case-insensitively; the first spelling of each is kept. */
function normaliseTags(tags: string[]): { tags: string[]; tagIndex: string } {
  const seen = new Map<string, string>();
  for (const tag of tags) if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  return { tags: [...seen.values()], tagIndex: seen.size ? `|${[...seen.keys()].join('|')}|` : '' };
}

export class TodoService {
  readonly events: TodoEvents;

  constructor(private readonly rt: Runtime) {
    this.events = new TodoEvents(rt.log);
    // Reminder workflows follow every change of a to-do's due time (looked up at call time:
    // the reminder service is constructed after this one).
    this.events.subscribe((event) => rt.services.reminders?.onTodoEvent(event));
  }

  async list(actor: Actor, q: TodoListQuery): Promise<Page<TodoView>> {
    const now = new Date();
    const where: Record<string, unknown>[] = [this.mine(actor)];
    if (q.status) where.push({ status: q.status });
    if (q.priority) where.push({ priority: q.priority });
    if (q.tag) where.push(like('tag_index', `%|${likeLiteral(q.tag.toLowerCase())}|%`));
    if (q.dueBefore) where.push({ dueAt: { $lt: toDate(q.dueBefore) } });
    if (q.dueAfter) where.push({ dueAt: { $gte: toDate(q.dueAfter) } });
    if (q.overdue === true) where.push({ status: 'open', dueAt: { $lt: now } });
    if (q.overdue === false) where.push({ $or: [{ status: 'done' }, { dueAt: null }, { dueAt: { $gte: now } }] });
    if (q.q) where.push(contains(['title', 'notes'], q.q));
    // Undated to-dos go last whichever way due dates are sorted: "no deadline" is never the most urgent.
    const dir = q.order === 'asc' ? QueryOrder.ASC : QueryOrder.DESC;
    const primary =
      q.sort === 'dueAt'
        ? [{ dueAt: q.order === 'asc' ? QueryOrder.ASC_NULLS_LAST : QueryOrder.DESC_NULLS_LAST }]
        : q.sort === 'priority'
          ? [{ priorityRank: dir }, { dueAt: QueryOrder.ASC_NULLS_LAST }]
          : [{ createdAt: dir }];
    const [rows, total] = await this.rt.orm.em.findAndCount(Todo, { $and: where } as never, {
      orderBy: [...primary, { id: dir }] as never,
      ...offsetOf(q),
    });
    return pageOf(rows.map((t) => toTodoView(t, now)), total, q);
  }

  async get(actor: Actor, id: string): Promise<TodoView> {
    return toTodoView(await this.find(this.rt.orm.em, actor, id));
  }

  async create(actor: Actor, raw: CreateTodoInput): Promise<TodoView> {
    const input = parseInput(CreateTodoInput, raw, 'The to-do cannot be created');
    await this.checkFiles(actor, input.attachments);
    const em = this.rt.orm.em.fork();
    const todo = em.create(Todo, {
      id: newId(),
      tenantId: actor.tenantId,
      userId: actor.userId,
      title: input.title,
      notes: input.notes ?? null,
      priority: input.priority,
      priorityRank: PRIORITY_RANK[input.priority],
      dueAt: toDate(input.dueAt) ?? null,
      ...normaliseTags(input.tags),
      attachments: input.attachments,
    });
    await em.flush();
    await this.syncFiles(actor, todo);
    await this.events.emit({ type: 'created', todo });
    return toTodoView(todo);
  }

  async update(actor: Actor, id: string, raw: UpdateTodoInput): Promise<TodoView> {
    const input = parseInput(UpdateTodoInput, raw, 'The to-do cannot be changed');
    if (input.attachments !== undefined) await this.checkFiles(actor, input.attachments);
    const em = this.rt.orm.em.fork();
    const todo = await this.find(em, actor, id);
    const previousDueAt = todo.dueAt;
    if (input.title !== undefined) todo.title = input.title;
    if (input.notes !== undefined) todo.notes = input.notes;
    if (input.priority !== undefined) Object.assign(todo, { priority: input.priority, priorityRank: PRIORITY_RANK[input.priority] });
    if (input.dueAt !== undefined) todo.dueAt = toDate(input.dueAt);
    if (input.tags !== undefined) Object.assign(todo, normaliseTags(input.tags));
    if (input.attachments !== undefined) todo.attachments = input.attachments;
    await em.flush();
    if (input.attachments !== undefined) await this.syncFiles(actor, todo);
    if (todo.status === 'open' && previousDueAt?.getTime() !== todo.dueAt?.getTime()) {
      await this.events.emit({ type: 'retimed', todo, previousDueAt });
    }
    return toTodoView(todo);
  }

  /** Complete (or reopen) a to-do. Doing it twice changes nothing and announces nothing. */
  async setDone(actor: Actor, id: string, done: boolean): Promise<TodoView> {
    const em = this.rt.orm.em.fork();
    const todo = await this.find(em, actor, id);
    if ((todo.status === 'done') !== done) {
      Object.assign(todo, done ? { status: 'done', completedAt: new Date() } : { status: 'open', completedAt: null });
      await em.flush();
      await this.events.emit({ type: done ? 'completed' : 'reopened', todo });
    }
    return toTodoView(todo);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const em = this.rt.orm.em.fork();
    const todo = await this.find(em, actor, id);
    em.remove(todo);
    await em.flush();
    // The files stay with their uploader; only the to-do's claim on them goes.
    await this.rt.services.files.unreference(actor.tenantId, { kind: 'todo', refId: todo.id });
    await this.events.emit({ type: 'deleted', todo });
  }

  /** Ids among `ids` that are the caller's to-dos (for links from daily plans). */
  async ownedIds(em: EntityManager, actor: Actor, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await em.find(Todo, { ...this.mine(actor), id: { $in: [...new Set(ids)] } }, { fields: ['id'] });
    return new Set(rows.map((t) => t.id));
  }

  /** Stored files attached to a to-do must be the owner's own uploads (422 at the attachment otherwise). */
  private async checkFiles(actor: Actor, attachments: { fileId?: string }[]) {
    const uses = attachments.flatMap((a, i) => (a.fileId ? [{ path: `attachments.${i}.fileId`, fileId: a.fileId }] : []));
    await this.rt.services.files.assertOwn(actor, uses, 'The to-do cannot refer to these files');
  }

  /** The to-do refers to exactly the files it lists now. */
  private async syncFiles(actor: Actor, todo: Todo) {
    const fileIds = todo.attachments.flatMap((a) => (a.fileId ? [a.fileId] : []));
    const files = this.rt.services.files;
    await files.reference(actor.tenantId, fileIds, 'todo', todo.id);
    await files.unreference(actor.tenantId, { kind: 'todo', refId: todo.id, keepFileIds: fileIds });
  }

  private mine(actor: Actor) {
    return { tenantId: actor.tenantId, userId: actor.userId };
  }

  private async find(em: EntityManager, actor: Actor, id: string): Promise<Todo> {
    const todo = await em.findOne(Todo, { ...this.mine(actor), id });
    if (!todo) throw new NotFoundError('todo', id);
    return todo;
  }
}
