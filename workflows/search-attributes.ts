/**
 * The product's search attributes: how ops find a business process in the Temporal UI
 * (`SignoffTenant = "acme" AND SignoffProcess = "provisioning"`). Registered on the dev server at
 * start and ensured on real clusters by the worker. Safe to import from workflow code.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

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
  /** The request's business serial number (`LEAVE-20261204-0007`), for templates with a serial rule. */
  serialNumber: defineSearchAttributeKey('SignoffSerialNumber', SearchAttributeType.KEYWORD),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);

/** What a process is tagged with; every field but `process` is optional (a platform job has no tenant). */
export interface ProcessTags {
  tenant?: string;
  process: string;
  businessKey?: string;
  /** Approval template key. */
  template?: string;
  initiator?: string;
  /** The business status it starts in. */
  status?: string;
  /** An approval's business serial number, when its template numbers requests. */
  serialNumber?: string;
}

/**
 * The search attributes of a process, built in one place for every start: API starts, schedule
 * actions, child workflows and a workflow tagging a run that was started without them. The
 * order is fixed (tenant, process, business key, template, initiator, status, serial number) and absent
 * fields are left out, which is exactly what the workflows upserted before this helper existed:
 * replaying their histories sees the same commands.
 */
export function processAttributes(tags: ProcessTags): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [];
  const add = (key: (typeof SA)[Exclude<keyof typeof SA, 'assignees'>], value: string | undefined) => {
    if (value !== undefined) pairs.push({ key, value });
  };
  add(SA.tenant, tags.tenant);
  add(SA.process, tags.process);
  add(SA.businessKey, tags.businessKey);
  add(SA.template, tags.template);
  add(SA.initiator, tags.initiator);
  add(SA.status, tags.status);
  add(SA.serialNumber, tags.serialNumber);
  return pairs;
}
