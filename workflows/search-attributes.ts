/**
 * The product's search attributes: how ops find a business process in the Temporal UI
 * (`SignoffTenant = "acme" AND SignoffProcess = "provisioning"`). Registered on the dev server at
 * start and ensured on real clusters by the worker. Safe to import from workflow code.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA = {
  /** Tenant code (human-readable, what ops type). */
  tenant: defineSearchAttributeKey('SignoffTenant', SearchAttributeType.KEYWORD),
  /** Kind of business process: provisioning, approval, onboarding, reminder… */
  process: defineSearchAttributeKey('SignoffProcess', SearchAttributeType.KEYWORD),
  /** The business key the workflow id is built from (username, instance id…). */
  businessKey: defineSearchAttributeKey('SignoffBusinessKey', SearchAttributeType.KEYWORD),
  /** Business status (running step name, approved, compensated…). */
  status: defineSearchAttributeKey('SignoffStatus', SearchAttributeType.KEYWORD),
  /** User id of whoever started the process. */
  initiator: defineSearchAttributeKey('SignoffInitiator', SearchAttributeType.KEYWORD),
  /** Approval template key. */
  template: defineSearchAttributeKey('SignoffTemplate', SearchAttributeType.KEYWORD),
  /** User ids currently holding a task. */
  assignees: defineSearchAttributeKey('SignoffAssignees', SearchAttributeType.KEYWORD_LIST),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);
