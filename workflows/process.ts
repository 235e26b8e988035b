/**
 * What a business process is, as data: the workflow type it runs, the SignoffProcess name ops
 * search by, how its workflow id is built from the business key (and read back), and how a
 * second start with the same id is treated. Each workflow's contract declares one with
 * `defineProcess`; the API side starts, finds and talks to processes only through it
 * (temporal/processes.ts), so a type name or an id format is written down once.
 * Safe to import from workflow code: no I/O, only types of @temporalio/common.
 */
import type { Workflow, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { ProcessResource } from '../common/error-codes';

export interface ProcessDefinition<W extends Workflow = Workflow> {
  /** The workflow function's name, as the worker registers it. */
  readonly workflowType: string;
  /** Value of the SignoffProcess search attribute. */
  readonly process: string;
  /** What a 404 calls it (`<resource>_not_found`) and the prefix of its "closed" code. */
  readonly resource: ProcessResource;
  /** The workflow id of a business key in a tenant. */
  workflowId(tenantCode: string, businessKey: string): string;
  /** Inverse of workflowId; null for an id that is not one of this process. */
  parseWorkflowId(workflowId: string): { tenantCode: string; businessKey: string } | null;
  /** A start while one with the id runs (conflict) or after one closed (reuse). */
  readonly policies: { conflict: WorkflowIdConflictPolicy; reuse: WorkflowIdReusePolicy };
  /** Carries the workflow function's type for typed args, queries and results; never set. */
  readonly workflow?: W;
}

/**
 * Ids of the form `<prefix>:<tenant code>:<business key>`. Business keys (usernames, uuids)
 * contain no ':', so the last ':' separates the key from the tenant code.
 */
export function prefixedIds(prefix: string): Pick<ProcessDefinition, 'workflowId' | 'parseWorkflowId'> {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}:(.+):([^:]+)$`);
  return {
    workflowId: (tenantCode, businessKey) => `${prefix}:${tenantCode}:${businessKey}`,
    parseWorkflowId(workflowId) {
      const m = pattern.exec(workflowId);
      return m ? { tenantCode: m[1], businessKey: m[2] } : null;
    },
  };
}

export function defineProcess<W extends Workflow>(def: Omit<ProcessDefinition<W>, 'workflow'>): ProcessDefinition<W> {
  return Object.freeze({ ...def });
}
