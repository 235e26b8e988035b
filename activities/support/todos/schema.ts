/** Personal to-dos. */
import { z } from 'zod';
import { PageQuery } from '../../../common/pagination';
import type { Todo } from '../../../db/entities';
import { Instant, iso, Name, QueryBool, SearchText, Title } from '../../../common/schema';

export const TodoPriority = z.enum(['low', 'normal', 'high', 'urgent']);
export const TodoStatus = z.enum(['open', 'done']);

/** Sort weight of each priority (stored next to it, so ORDER BY is an index-friendly integer). */
export const PRIORITY_RANK: Record<z.infer<typeof TodoPriority>, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/** `|` separates tags in the searchable tag index, so it cannot be part of one. */
export const Tag = z.string().trim().min(1).max(32).regex(/^[^|]+$/, 'must not contain |');

export const TodoAttachment = z
  .strictObject({
    name: Name,
    url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
    /** Id of a file the owner uploaded (`POST /api/v1/files`). */
    fileId: z.string().trim().min(1).max(100).optional(),
  })
  .refine((a) => (a.url === undefined) !== (a.fileId === undefined), { message: 'give either url or fileId' });

const Notes = z.string().max(10_000).nullable();
const Tags = z.array(Tag).max(20);
const Attachments = z.array(TodoAttachment).max(20);

export const CreateTodoInput = z.strictObject({
  title: Title,
  notes: Notes.optional(),
  priority: TodoPriority.default('normal'),
  dueAt: Instant.nullable().optional(),
  tags: Tags.default([]),
  attachments: Attachments.default([]),
});
export type CreateTodoInput = z.input<typeof CreateTodoInput>;

export const UpdateTodoInput = z
  .strictObject({
    title: Title.optional(),
    notes: Notes.optional(),
    priority: TodoPriority.optional(),
    dueAt: Instant.nullable().optional(),
    tags: Tags.optional(),
    attachments: Attachments.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one field to change' });
export type UpdateTodoInput = z.input<typeof UpdateTodoInput>;

export const TodoListQuery = PageQuery.extend({
  status: TodoStatus.optional(),
  priority: TodoPriority.optional(),
  tag: Tag.optional(),
  dueBefore: Instant.optional(),
  dueAfter: Instant.optional(),
  /** Open and due before now. */
  overdue: QueryBool.optional(),
  /** Title or notes contain this text. */
  q: SearchText,
  sort: z.enum(['dueAt', 'priority', 'createdAt']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type TodoListQuery = z.infer<typeof TodoListQuery>;

export const TodoView = z.object({
  id: z.string(),
  title: z.string(),
  notes: z.string().nullable(),
  priority: TodoPriority,
  status: TodoStatus,
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  tags: z.array(z.string()),
  attachments: z.array(z.object({ name: z.string(), url: z.string().optional(), fileId: z.string().optional() })),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TodoView = z.infer<typeof TodoView>;

export const toTodoView = (t: Todo, now = new Date()): TodoView => ({
  id: t.id,
  title: t.title,
  notes: t.notes,
  priority: t.priority,
  status: t.status,
  dueAt: iso(t.dueAt),
  overdue: t.status === 'open' && t.dueAt !== null && t.dueAt < now,
  tags: t.tags,
  attachments: t.attachments,
  completedAt: iso(t.completedAt),
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});
