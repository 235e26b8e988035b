/**
 * Onboarding API: HR starts, follows and cancels the onboarding of a new hire; assignees report
 * checklist items done; the new hire activates the account through a public endpoint with the
 * single-use token from the mail. The rules live in activities/onboarding/service.ts.
 */
import { z } from 'zod';
import { PERMISSIONS } from '../../activities/permission/catalog';
import { PageOf } from '../../common/pagination';
import { publicRoute, route, type RouteModule } from '../route';
import { limitPerIp } from '../middleware/rate-limit';
import {
  ActivateRequest,
  CancelRequest,
  ChecklistItemView,
  OnboardingListQuery,
  OnboardingProgressView,
  OnboardingStarted,
  OnboardingSummary,
  OnboardingView,
  StartOnboardingRequest,
} from '../../activities/onboarding/schema';

const PREFIX = '/api/v1/onboarding';
const OnboardingIdParams = z.object({ id: z.string().min(1).max(300) });
const ChecklistItemParams = OnboardingIdParams.extend({ itemId: z.string().min(1).max(64) });
const statusUrlOf = (id: string) => `${PREFIX}/${encodeURIComponent(id)}`;
const NOT_YOURS = 'An onboarding the caller may not see is 404, exactly like an id nobody uses, whatever state it is in.';

export const onboardingModule: RouteModule = {
  prefix: PREFIX,
  tag: 'Onboarding',
  routes: [
    route({
      method: 'post',
      path: '/',
      summary: 'Start the onboarding of a new hire (durable workflow)',
      description:
        'Checks the input, then starts the onboarding workflow `onboarding:<tenant>:<username>`: provisioning, welcome mail with an activation link, reminders and escalation, checklist to-dos, day-one information and check-ins. ' +
        'Answers 202 at once; a repeated request while it runs returns the same workflow.',
      permission: PERMISSIONS.onboardingManage,
      body: StartOnboardingRequest,
      status: 202,
      response: OnboardingStarted,
      errors: [409, 422],
      handler: async ({ rt, actor, body, ctx }) => {
        const started = await rt.services.onboarding.start(actor, body);
        const statusUrl = statusUrlOf(started.id);
        ctx.set('Location', statusUrl);
        return { ...started, statusUrl };
      },
    }),
    route({
      method: 'get',
      path: '/',
      summary: 'List onboardings of the tenant (newest first)',
      permission: PERMISSIONS.onboardingManage,
      query: OnboardingListQuery,
      response: PageOf(OnboardingSummary),
      handler: ({ rt, actor, query }) => rt.services.onboarding.list(actor, query),
    }),
    publicRoute({
      method: 'post',
      path: '/activate',
      auth: false,
      summary: 'Activate an onboarded account (public, single-use token from the mail)',
      description:
        'Consumes the token, then sets the password and profile: of two concurrent activations with one token exactly one succeeds. ' +
        'An unknown, used or superseded token is 404 `invalid_activation_token`; a weak password is 422 and consumes nothing. ' +
        'At most ACTIVATION_MAX_PER_IP attempts per client address and window (429 `rate_limited` with Retry-After).',
      body: ActivateRequest,
      response: z.object({ activated: z.boolean(), username: z.string(), tenant: z.string() }),
      errors: [404, 422, 429],
      handler: async ({ rt, body, ctx }) => {
        await limitPerIp(rt, ctx, 'activate', rt.config.ACTIVATION_MAX_PER_IP, rt.config.ACTIVATION_WINDOW_SECONDS);
        return rt.services.onboarding.activate(body);
      },
    }),
    route({
      method: 'get',
      path: '/mine',
      summary: 'My own onboarding, as the new hire',
      description: 'The onboarding that created my account (404 when there is none).',
      response: OnboardingView,
      errors: [404],
      handler: ({ rt, actor }) => rt.services.onboarding.mine(actor),
    }),
    route({
      method: 'get',
      path: '/:id',
      summary: 'Progress of an onboarding (steps done, waiting on whom)',
      description: `For HR (\`onboarding:manage\`), the new hire, their manager and IT, and whoever holds a checklist item. ${NOT_YOURS}`,
      params: OnboardingIdParams,
      response: OnboardingView,
      errors: [404],
      handler: ({ rt, actor, params }) => rt.services.onboarding.view(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/:id/checklist/:itemId/done',
      summary: 'Report a checklist item done (its assignee or HR)',
      description: `Reports the item to the workflow and completes its to-do; reporting it again changes nothing. ${NOT_YOURS}`,
      params: ChecklistItemParams,
      response: ChecklistItemView,
      errors: [403, 404, 409, 422],
      handler: ({ rt, actor, params }) => rt.services.onboarding.completeChecklistItem(actor, params.id, params.itemId),
    }),
    route({
      method: 'post',
      path: '/:id/cancel',
      summary: 'Cancel an onboarding (disables the account, removes open to-dos)',
      permission: PERMISSIONS.onboardingManage,
      params: OnboardingIdParams,
      body: CancelRequest,
      status: 202,
      response: OnboardingProgressView,
      errors: [404, 409, 422],
      handler: ({ rt, actor, params, body }) => rt.services.onboarding.cancel(actor, params.id, body.reason),
    }),
  ],
};
