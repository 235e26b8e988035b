/**
 * Input and views of user provisioning (the saga). The zod schemas are typed against the
 * workflow contract, so the API cannot describe a progress or result the workflow does not produce.
 */
import { z } from 'zod';
import { CreateUserInput } from './schema';
import {
  PROVISIONING_STEPS,
  type CompensationOutcome,
  type CompensationRecord,
  type ProvisioningProgress,
  type ProvisioningResult,
} from '../../workflows/provisioning/contract';

export const ProvisionRequest = CreateUserInput.omit({ password: true }).extend({
  /**
   * Refused rather than silently dropped: the workflow input is stored in plain text in the
   * Temporal history, so a password never goes in. Set one afterwards (reset password).
   */
  password: z.never({ error: 'is not accepted by provisioning (it would be stored in the workflow history); set it afterwards' }).optional(),
  sendWelcomeEmail: z.boolean().default(true),
});
export type ProvisionRequest = z.output<typeof ProvisionRequest>;

export const ProvisioningStarted = z.object({
  workflowId: z.string(),
  runId: z.string(),
  /** Poll this for progress and outcome. */
  statusUrl: z.string(),
});

const Step = z.enum(PROVISIONING_STEPS);

const CompensationOutcomeView: z.ZodType<CompensationOutcome> = z.object({
  step: Step,
  activity: z.string(),
  status: z.enum(['done', 'failed']),
  error: z.string().optional(),
});

export const ProvisioningProgressView: z.ZodType<ProvisioningProgress> = z.object({
  status: z.enum(['running', 'compensating', 'completed', 'compensated', 'compensation_failed']),
  currentStep: Step.nullable(),
  stepsDone: z.array(Step),
  stepsSkipped: z.array(Step),
  userId: z.string().nullable(),
  failedStep: Step.nullable(),
  error: z.string().nullable(),
  compensations: z.array(CompensationOutcomeView),
});

export const ProvisioningResultView: z.ZodType<ProvisioningResult> = z.object({
  userId: z.string(),
  username: z.string(),
  stepsDone: z.array(Step),
  stepsSkipped: z.array(Step),
  rolesGranted: z.array(z.string()),
  welcomeMessageId: z.string(),
  welcomeEmailDeliveryId: z.string().nullable(),
});

export const CompensationRecordView: z.ZodType<CompensationRecord> = z.object({
  failedStep: Step,
  userId: z.string().nullable(),
  error: z.object({ message: z.string(), type: z.string().nullable() }),
  stepsDone: z.array(Step),
  compensations: z.array(CompensationOutcomeView),
});

/**
 * `compensated`: a step failed and every completed step was undone (safe to try again).
 * `failed`: anything else that ended badly (an undo failed, the run was terminated or timed out):
 * look at `compensation`/`error`.
 */
export const ProvisioningState = z.enum(['running', 'completed', 'failed', 'compensated']);
export type ProvisioningState = z.infer<typeof ProvisioningState>;

export const ProvisioningStatusView = z.object({
  workflowId: z.string(),
  runId: z.string(),
  status: ProvisioningState,
  startedAt: z.string(),
  closedAt: z.string().nullable(),
  /** Live progress while running (null if no worker answered in time); derived from the outcome once closed. */
  progress: ProvisioningProgressView.nullable(),
  result: ProvisioningResultView.nullable(),
  compensation: CompensationRecordView.nullable(),
  error: z.object({ message: z.string(), type: z.string().nullable() }).nullable(),
});
export type ProvisioningStatusView = z.infer<typeof ProvisioningStatusView>;
