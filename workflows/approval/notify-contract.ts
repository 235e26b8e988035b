/**
 * What the approval workflow tells people (assigned, copied, returned, finished, commented,
 * timed out) and the activity argument that carries it. Shared by the workflow (notify.ts), the
 * activity (activities/approval/instances/notify.ts) and the notification preferences, which
 * list these types next to the others.
 */

export const APPROVAL_NOTIFICATION_TYPES = [
  'approval_assigned',
  'approval_cc',
  'approval_returned',
  'approval_finished',
  'approval_commented',
  'approval_timed_out',
] as const;
export type ApprovalNotificationType = (typeof APPROVAL_NOTIFICATION_TYPES)[number];

/** One event told to its recipients: one activity call, one delivery per recipient and channel. */
export interface ApprovalNotice {
  tenantId: string;
  instanceId: string;
  type: ApprovalNotificationType;
  /**
   * `<workflowId>:<event key>`, derived in the workflow from the timeline position, so a retry
   * or a replay uses the same key; the delivery ledger adds recipient and channel to it.
   */
  dedupeBase: string;
  recipientIds: string[];
  /** A step timeout with `notifyAdmin`: the recipients are the tenant's administrators. */
  toTenantAdmins?: boolean;
  /** Who caused it (null: the system, e.g. an escalation); never told about it themselves. */
  actorId: string | null;
  title: string;
  templateName: string;
  stepName: string | null;
  /** Why a task is yours: `assigned`, `transferred`, `escalated`, `delegated`, `added`, `reassigned` (by an administrator). */
  cause?: string;
  /** approval_finished: `approved`, `rejected`, `withdrawn`, `cancelled`, `failed`. */
  outcome?: string;
  reason?: string | null;
  comment?: string | null;
}
