/** Announcements: drafted and published by `announcement:publish` holders, read by their audience. */
import { z } from 'zod';
import { PageQuery } from '../../../common/pagination';
import type { Announcement } from '../../../db/entities';
import { Instant, iso, QueryBool, Title, Uuid } from '../../../common/schema';
import { AudienceRoleCode } from '../audience';

export const AudienceInput = z
  .strictObject({
    /** The whole tenant. */
    all: z.boolean().default(false),
    departments: z.array(z.strictObject({ id: Uuid, includeSubtree: z.boolean().default(false) })).max(100).default([]),
    roleCodes: z.array(AudienceRoleCode).max(50).default([]),
  })
  .refine((a) => a.all !== a.departments.length + a.roleCodes.length > 0, {
    message: 'either all: true, or at least one department or role (not both)',
  });
export type AudienceInput = z.infer<typeof AudienceInput>;

const Body = z.string().trim().min(1).max(50_000);

export const CreateAnnouncementInput = z.strictObject({
  title: Title,
  body: Body,
  audience: AudienceInput.default({ all: true, departments: [], roleCodes: [] }),
  pinned: z.boolean().default(false),
  expiresAt: Instant.nullable().optional(),
});
export type CreateAnnouncementInput = z.input<typeof CreateAnnouncementInput>;

export const UpdateAnnouncementInput = z
  .strictObject({
    title: Title.optional(),
    body: Body.optional(),
    /** Only while a draft: who was addressed must not change under the readers' feet. */
    audience: AudienceInput.optional(),
    pinned: z.boolean().optional(),
    expiresAt: Instant.nullable().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one field to change' });
export type UpdateAnnouncementInput = z.input<typeof UpdateAnnouncementInput>;

export const ManageQuery = PageQuery.extend({ status: z.enum(['draft', 'published']).optional() });
export type ManageQuery = z.infer<typeof ManageQuery>;

export const MyAnnouncementsQuery = PageQuery.extend({ unread: QueryBool.optional() });
export type MyAnnouncementsQuery = z.infer<typeof MyAnnouncementsQuery>;

export const AudienceView = z.object({
  all: z.boolean(),
  departments: z.array(z.object({ id: z.string(), includeSubtree: z.boolean() })),
  roleCodes: z.array(z.string()),
});
export type AudienceView = z.infer<typeof AudienceView>;

/** What publishers see. */
export const AnnouncementView = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  status: z.enum(['draft', 'published']),
  audience: AudienceView,
  pinned: z.boolean(),
  expiresAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AnnouncementView = z.infer<typeof AnnouncementView>;

export const toAnnouncementView = (a: Announcement, audience: AudienceView): AnnouncementView => ({
  id: a.id,
  title: a.title,
  body: a.body,
  status: a.status,
  audience,
  pinned: a.pinned,
  expiresAt: iso(a.expiresAt),
  publishedAt: iso(a.publishedAt),
  publishedBy: a.publishedBy,
  createdBy: a.createdBy,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

/** What the audience sees. */
export const ReaderAnnouncementView = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  pinned: z.boolean(),
  expiresAt: z.string().nullable(),
  publishedAt: z.string(),
  publishedBy: z.string().nullable(),
  read: z.boolean(),
  readAt: z.string().nullable(),
});
export type ReaderAnnouncementView = z.infer<typeof ReaderAnnouncementView>;

export const toReaderView = (a: Announcement, readAt: Date | null): ReaderAnnouncementView => ({
  id: a.id,
  title: a.title,
  body: a.body,
  pinned: a.pinned,
  expiresAt: iso(a.expiresAt),
  publishedAt: a.publishedAt!.toISOString(),
  publishedBy: a.publishedBy,
  read: readAt !== null,
  readAt: iso(readAt),
});

export const ReceiptsView = z.object({
  /** Active users the announcement addresses now. */
  audience: z.number().int(),
  read: z.number().int(),
  unread: z.number().int(),
  readers: z.object({
    items: z.array(z.object({ userId: z.string(), displayName: z.string(), readAt: z.string() })),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  }),
});
export type ReceiptsView = z.infer<typeof ReceiptsView>;
