/** Notification preferences of the caller, and the tenant's delivery ledger for admins. */
import { PageOf } from '../../common/pagination';
import { PERMISSIONS } from '../../activities/permission/catalog';
import { route, type RouteModule } from '../route';
import { DeliveryQuery, DeliveryView, PreferencesView, UpdatePreferencesInput } from '../../activities/support/notifications/schema';

export const notificationPreferencesModule: RouteModule = {
  prefix: '/api/v1/me/notification-preferences',
  tag: 'Notifications',
  routes: [
    route({
      method: 'get',
      path: '/',
      apiKey: 'workspace:read',
      summary: 'My notification preferences',
      description: 'Channels per notification type (defaults filled in) and the reminder timing of my dated to-dos.',
      response: PreferencesView,
      handler: ({ rt, actor }) => rt.services.notifications.preferences(actor),
    }),
    route({
      method: 'put',
      path: '/',
      apiKey: 'workspace:write',
      summary: 'Change my notification preferences',
      description:
        'Partial: types not named keep their channels (an empty list mutes a type); omitted settings keep their values. Reminder timing applies to reminders scheduled from now on.',
      body: UpdatePreferencesInput,
      response: PreferencesView,
      handler: ({ rt, actor, body }) => rt.services.notifications.updatePreferences(actor, body),
    }),
  ],
};

export const notificationsModule: RouteModule = {
  prefix: '/api/v1/notifications',
  tag: 'Notifications',
  routes: [
    route({
      method: 'get',
      path: '/deliveries',
      summary: "The tenant's notification deliveries",
      description: 'One row per (workflow step, recipient, channel), newest first. `failed=true` lists the deliveries that failed (after their retries).',
      permission: PERMISSIONS.notificationAdmin,
      query: DeliveryQuery,
      response: PageOf(DeliveryView),
      handler: ({ rt, actor, query }) => rt.services.notifications.deliveries(actor, query),
    }),
  ],
};
