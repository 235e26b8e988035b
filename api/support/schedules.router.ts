/** The tenant's daily digest schedule: read, pause, resume, run now (tenant settings permissions). */
import { PERMISSIONS } from '../../activities/permission/catalog';
import { route, type RouteModule } from '../route';
import { DigestScheduleView, ScheduleNoteInput } from '../../activities/support/digest/schema';

export const schedulesModule: RouteModule = {
  prefix: '/api/v1/schedules',
  tag: 'Schedules',
  routes: [
    route({
      method: 'get',
      path: '/digest',
      summary: "The tenant's daily digest schedule",
      description: 'When the digest runs (tenant time zone), whether it is paused, its next and latest runs.',
      permission: PERMISSIONS.tenantRead,
      response: DigestScheduleView,
      errors: [503],
      handler: ({ rt, actor }) => rt.services.digestSchedules.view(actor),
    }),
    route({
      method: 'post',
      path: '/digest/pause',
      summary: 'Pause the daily digest',
      description: 'No digest goes out until it is resumed; runs missed meanwhile are not made up. The note shows in the Temporal UI.',
      permission: PERMISSIONS.tenantUpdate,
      body: ScheduleNoteInput,
      response: DigestScheduleView,
      errors: [503],
      handler: ({ rt, actor, body }) => rt.services.digestSchedules.pause(actor, body.note),
    }),
    route({
      method: 'post',
      path: '/digest/unpause',
      summary: 'Resume the daily digest',
      permission: PERMISSIONS.tenantUpdate,
      body: ScheduleNoteInput,
      response: DigestScheduleView,
      errors: [503],
      handler: ({ rt, actor, body }) => rt.services.digestSchedules.unpause(actor, body.note),
    }),
    route({
      method: 'post',
      path: '/digest/trigger',
      summary: 'Send the daily digest now',
      description: 'Starts a run at once, even while paused. Whoever already got today’s digest is not sent it again.',
      permission: PERMISSIONS.tenantUpdate,
      status: 202,
      response: DigestScheduleView,
      errors: [503],
      handler: ({ rt, actor }) => rt.services.digestSchedules.trigger(actor),
    }),
  ],
};
