/** Announcements: the caller's own feed and read receipts; drafting and publishing with `announcement:publish`. */
import { PageOf, PageQuery } from '../../common/pagination';
import { PERMISSIONS as P } from '../../activities/permission/catalog';
import { IdParams, route, type RouteModule } from '../route';
import type { Runtime } from '../../activities/runtime';
import {
  AnnouncementView,
  CreateAnnouncementInput,
  ManageQuery,
  MyAnnouncementsQuery,
  ReaderAnnouncementView,
  ReceiptsView,
  UpdateAnnouncementInput,
} from '../../activities/support/announcements/schema';

const svc = (rt: Runtime) => rt.services.announcements;

export const announcementsModule: RouteModule = {
  prefix: '/api/v1/announcements',
  tag: 'Announcements',
  routes: [
    route({
      method: 'get',
      path: '/',
      apiKey: 'workspace:read',
      summary: 'Announcements addressed to me: published, not expired, pinned first',
      description: 'Filter: unread (true/false).',
      query: MyAnnouncementsQuery,
      response: PageOf(ReaderAnnouncementView),
      handler: ({ rt, actor, query }) => svc(rt).mine(actor, query),
    }),
    // Before `/:id`.
    route({
      method: 'get',
      path: '/manage',
      summary: 'Every announcement of the tenant, drafts included (publishers)',
      permission: P.announcementPublish,
      query: ManageQuery,
      response: PageOf(AnnouncementView),
      handler: ({ rt, actor, query }) => svc(rt).manage(actor, query),
    }),
    route({
      method: 'post',
      path: '/',
      summary: 'Draft an announcement',
      description: 'Audience: `all: true`, or departments (with includeSubtree) and/or role codes. Unknown ones: 422 with their paths.',
      permission: P.announcementPublish,
      body: CreateAnnouncementInput,
      status: 201,
      response: AnnouncementView,
      handler: ({ rt, actor, body }) => svc(rt).create(actor, body),
    }),
    route({
      method: 'get',
      path: '/:id',
      apiKey: 'workspace:read',
      summary: 'One announcement addressed to me (404 if not addressed to me, not published or expired)',
      params: IdParams,
      response: ReaderAnnouncementView,
      errors: [404],
      handler: ({ rt, actor, params }) => svc(rt).read(actor, params.id),
    }),
    route({
      method: 'patch',
      path: '/:id',
      summary: 'Edit, pin/unpin or (re)set the expiry of an announcement',
      description: 'The audience can change only while it is a draft (409 `announcement_published`). A past expiresAt takes it down now.',
      permission: P.announcementPublish,
      params: IdParams,
      body: UpdateAnnouncementInput,
      response: AnnouncementView,
      errors: [404, 409],
      handler: ({ rt, actor, params, body }) => svc(rt).update(actor, params.id, body),
    }),
    route({
      method: 'post',
      path: '/:id/publish',
      summary: 'Publish a draft',
      description: '409 `announcement_already_published`; 422 `expires_in_past` if it has already expired.',
      permission: P.announcementPublish,
      params: IdParams,
      response: AnnouncementView,
      errors: [404, 409],
      handler: ({ rt, actor, params }) => svc(rt).publish(actor, params.id),
    }),
    route({
      method: 'delete',
      path: '/:id',
      summary: 'Delete an announcement with its receipts',
      permission: P.announcementPublish,
      params: IdParams,
      status: 204,
      errors: [404],
      handler: ({ rt, actor, params }) => svc(rt).remove(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/:id/read',
      apiKey: 'workspace:write',
      summary: 'Leave my read receipt',
      params: IdParams,
      response: ReaderAnnouncementView,
      errors: [404],
      handler: ({ rt, actor, params }) => svc(rt).markRead(actor, params.id),
    }),
    route({
      method: 'get',
      path: '/:id/receipts',
      summary: 'Read receipts: audience size, read and unread counts, readers (paginated)',
      permission: P.announcementPublish,
      params: IdParams,
      query: PageQuery,
      response: ReceiptsView,
      errors: [404],
      handler: ({ rt, actor, params, query }) => svc(rt).receipts(actor, params.id, query),
    }),
  ],
};
