/** In-app messages: the caller's own inbox, read state, deleting, and sending with `message:send`. */
import { PageOf } from '../../common/pagination';
import { PERMISSIONS as P } from '../../activities/permission/catalog';
import { IdParams, route, type RouteModule } from '../route';
import { BulkReadInput, BulkReadResult, InboxQuery, MessageView, SendMessageInput, SendResult, UnreadCount } from '../../activities/support/messages/schema';

export const messagesModule: RouteModule = {
  prefix: '/api/v1/messages',
  tag: 'Messages',
  routes: [
    route({
      method: 'get',
      path: '/',
      apiKey: 'workspace:read',
      summary: 'My inbox, newest first',
      description: 'Filters: unread (true/false), category.',
      query: InboxQuery,
      response: PageOf(MessageView),
      handler: ({ rt, actor, query }) => rt.services.messages.inbox(actor, query),
    }),
    route({
      method: 'get',
      path: '/unread-count',
      apiKey: 'workspace:read',
      summary: 'How many of my messages are unread',
      response: UnreadCount,
      handler: ({ rt, actor }) => rt.services.messages.unreadCount(actor),
    }),
    route({
      method: 'post',
      path: '/',
      summary: 'Send a message to users, departments (optionally with subtrees) and roles',
      description:
        'The audience is expanded server-side to active users of your tenant, each receiving one copy. Unknown ids or role codes: 422 with their paths; an empty audience: 422 `no_recipients`.',
      permission: P.messageSend,
      body: SendMessageInput,
      status: 201,
      response: SendResult,
      handler: ({ rt, actor, body }) => rt.services.messages.send(actor, body),
    }),
    route({
      method: 'post',
      path: '/read',
      apiKey: 'workspace:write',
      summary: 'Mark several of my messages read (ids), or all of them (all: true, optionally one category)',
      body: BulkReadInput,
      response: BulkReadResult,
      handler: ({ rt, actor, body }) => rt.services.messages.markManyRead(actor, body),
    }),
    route({
      method: 'get',
      path: '/:id',
      apiKey: 'workspace:read',
      summary: 'One of my messages',
      params: IdParams,
      response: MessageView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.messages.get(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/:id/read',
      apiKey: 'workspace:write',
      summary: 'Mark one of my messages read',
      params: IdParams,
      response: MessageView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.messages.setRead(actor, params.id, true),
    }),
    route({
      method: 'post',
      path: '/:id/unread',
      apiKey: 'workspace:write',
      summary: 'Mark one of my messages unread',
      params: IdParams,
      response: MessageView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.messages.setRead(actor, params.id, false),
    }),
    route({
      method: 'delete',
      path: '/:id',
      apiKey: 'workspace:write',
      summary: 'Delete one of my messages',
      params: IdParams,
      status: 204,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.messages.remove(actor, params.id),
    }),
  ],
};
