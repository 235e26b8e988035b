/** Input and views of employee onboarding, typed against the workflow contract. */
import { z } from 'zod';
import { CreateUserInput } from '../user/schema';
import { PageQuery } from '../../common/pagination';
import { Instant, Uuid } from '../../common/schema';
import { EXECUTION_STATES } from '../../temporal/processes';
import {
  CHECKLIST_TEMPLATE_KEYS,
  DEFAULT_TIMING,
  ONBOARDING_STATUSES,
  ONBOARDING_STEPS,
  type OnboardingProgress,
} from '../../workflows/onboarding/contract';

const Ms = z.number().int().min(1).max(400 * 24 * 3_600_000);

export const StartOnboardingRequest = CreateUserInput.pick({ username: true, email: true, displayName: true, departmentId: true, positionId: true, roleIds: true }).extend({
  managerId: Uuid,
  /** Who gets the IT checklist items; defaults to the HR user starting the onboarding. */
  itUserId: Uuid.optional(),
  startDate: Instant,
  checklistTemplate: z.enum(CHECKLIST_TEMPLATE_KEYS).default('standard'),
  timing: z
    .strictObject({
      reminderIntervalMs: Ms.default(DEFAULT_TIMING.reminderIntervalMs),
      activationDeadlineMs: Ms.default(DEFAULT_TIMING.activationDeadlineMs),
      checkInOffsetsMs: z.array(Ms).max(10).default(DEFAULT_TIMING.checkInOffsetsMs),
    })
    .prefault({}),
});
export type StartOnboardingRequest = z.output<typeof StartOnboardingRequest>;

export const ActivateRequest = z.strictObject({
  token: z.string().min(20).max(1000),
  password: z.string().min(1).max(256),
  profile: CreateUserInput.pick({ displayName: true, phone: true }).partial().strict().default({}),
});
export type ActivateRequest = z.output<typeof ActivateRequest>;

export const CancelRequest = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const OnboardingListQuery = PageQuery.extend({ status: z.enum(['running', 'closed']).optional() });
export type OnboardingListQuery = z.output<typeof OnboardingListQuery>;

export const ChecklistItemView = z.object({
  id: z.string(),
  title: z.string(),
  assignee: z.enum(['new_hire', 'manager', 'it']),
  userId: z.string(),
  todoId: z.string().nullable(),
  done: z.boolean(),
  doneAt: z.string().nullable(),
  doneBy: z.string().nullable(),
});

export const OnboardingProgressView: z.ZodType<OnboardingProgress> = z.object({
  status: z.enum(ONBOARDING_STATUSES),
  username: z.string(),
  userId: z.string().nullable(),
  stepsDone: z.array(z.enum(ONBOARDING_STEPS)),
  waitingOn: z.array(z.object({ userId: z.string(), role: z.enum(['new_hire', 'manager', 'it', 'hr', 'system']), what: z.string() })),
  activationLinksSent: z.number().int(),
  escalated: z.boolean(),
  activatedAt: z.string().nullable(),
  startDate: z.string(),
  dayOneSentAt: z.string().nullable(),
  checklist: z.array(ChecklistItemView),
  checkIns: z.array(z.object({ label: z.string(), dueAt: z.string(), todoId: z.string() })),
  cancellation: z.object({ reason: z.string(), by: z.string(), at: z.string() }).nullable(),
  compensations: z.array(z.object({ action: z.enum(['disable_account', 'cancel_todos']), status: z.enum(['done', 'failed']), detail: z.string() })),
  error: z.string().nullable(),
});

export const OnboardingStarted = z.object({ id: z.string(), runId: z.string(), statusUrl: z.string() });

export const OnboardingView = z.object({
  id: z.string(),
  /** Temporal execution state. */
  execution: z.enum(EXECUTION_STATES),
  startedAt: z.string(),
  closedAt: z.string().nullable(),
  /** Business progress: live while running (null if no worker answered in time), the result once closed. */
  progress: OnboardingProgressView.nullable(),
  error: z.string().nullable(),
});
export type OnboardingView = z.infer<typeof OnboardingView>;

export const OnboardingSummary = z.object({
  id: z.string(),
  username: z.string(),
  status: z.string().nullable(),
  execution: OnboardingView.shape.execution,
  startedAt: z.string(),
  closedAt: z.string().nullable(),
});
export type OnboardingSummary = z.infer<typeof OnboardingSummary>;
