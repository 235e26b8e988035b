/**
 * Every patch id of the approval workflow, with what it changed. Logic that running approvals
 * execute changes only behind `patched(PATCHES.x)`: a run recorded before the change replays
 * the old way, a new run takes the new way (and records the marker). The committed histories in
 * test/approval-runtime/histories replay with these markers present or absent.
 *
 * Retiring one: once no open run predates it, switch its call to `deprecatePatch(id)` for a
 * release, then drop it and the old branch. Never reuse or rename an id.
 */
export const PATCHES = {
  /** Outcome hooks run when a request is approved or rejected (the role-grant saga as a child workflow); runs without the marker finish without them. */
  outcomeHooks: 'approval-outcome-hooks',
  /** Activity hooks (a named system activity) run; runs without the marker skip them, as the first engine did. */
  activityHooks: 'approval-activity-hooks',
  /** Action steps run (grantRole); runs without the marker fail when they reach one ("not supported yet"). */
  actionSteps: 'approval-action-steps',
  /** Webhook and named-activity action steps run; runs without the marker fail when they reach one. */
  webhookActivitySteps: 'approval-webhook-activity-steps',
  /** A strand whose wait is already satisfied counts as busy, so an action is answered only once the flow has reacted to it. */
  readyStrandsAreBusy: 'approval-ready-strands-are-busy',
  /** The read model is written by a local activity (no round trip through the task queue); runs without the marker keep the queued activity. */
  localProjection: 'approval-local-projection',
  /** People are told of assignments, copies, returns, outcomes, comments and admin timeouts (notify.ts); runs without the marker send only reminders and urges, as before. */
  notifications: 'approval-notifications',
  /** A cancellation from outside (Temporal UI/CLI/client) closes the request as `cancelled` (cancel.ts); runs without the marker just end Canceled, leaving the read model behind. */
  externalCancel: 'approval-external-cancel',
  /** A grantRole step whose role comes from the form passes who approved, so the grant is checked against their rights; runs without the marker grant unchecked. */
  grantRoleChecksApprovers: 'approval-grant-role-checks-approvers',
  /**
   * An administrator intervened (cancel, reassign, retry, return: interventions.ts). Recorded by
   * the first intervention a run takes, so a later change of what an intervention does can tell
   * the runs that took the old one. The messages are new: no history before them holds one.
   */
  adminInterventions: 'approval-admin-interventions',
  /** A failed system step (webhook, activity, grantRole call) leaves the request `stalled` for an administrator; runs without the marker fail the request there, as before. */
  stallFailedSystemSteps: 'approval-stall-failed-system-steps',
  /**
   * A step's `remindAfter`/`timeoutAfter` in working days (`P2WD`) ends on the tenant's working
   * calendar carried in the input (`ApprovalInput.calendar`). Recorded only by steps that use such
   * a duration, which could not be published before: runs without the marker never have one.
   */
  workingDayDurations: 'approval-working-day-durations',
} as const;

export type PatchId = (typeof PATCHES)[keyof typeof PATCHES];
