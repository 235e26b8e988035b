/**
 * The one way the product starts, finds and talks to a business process (a workflow with a
 * business-key id). Every starter goes through here: the API's services (provisioning,
 * onboarding, approvals), the to-do reminders (signal-with-start) and the schedules (their start
 * action). What a process is comes from its contract (`defineProcess`: type name, id format,
 * default policies); the search attributes from `processAttributes()`.
 *
 *   startProcess / signalWithStartProcess / scheduledStart   start (or hand back the running one)
 *   locateProcess     a live or closed run of the caller's tenant, by id (404 otherwise)
 *   queryLive         a query with a deadline; null when no worker answers in time
 *   updateProcess     an Update, its refusals mapped to AppErrors once
 *   readProcess       running → live progress; closed → result or failure (one mapping)
 *   listProcesses     a tenant's runs of one process from visibility, paginated
 *
 * Update-With-Start (a later change for approvals) needs only `processStartOptions` wrapped in
 * `WithStartWorkflowOperation.create(def.workflowType, …)`; nothing here has to move.
 * Lives in temporal/ (infrastructure next to the schedules and the search-attribute
 * registration): the domain in activities/ imports it; it imports nothing of activities/ or api/.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from '@temporalio/client';
import {
  ApplicationFailure,
  type QueryDefinition,
  type SignalDefinition,
  type UpdateDefinition,
  type Workflow,
  type WorkflowIdConflictPolicy,
  type WorkflowIdReusePolicy,
  type WorkflowResultType,
} from '@temporalio/common';
import { AppError, ConflictError, NotFoundError } from '../common/errors';
import { errorStatus, knownErrorCode } from '../common/error-codes';
import type { ProcessDefinition } from '../workflows/process';
import { SA, processAttributes } from '../workflows/search-attributes';

/** How long a read waits for a worker to answer a query before it says "unknown". */
export const QUERY_DEADLINE_MS = 3000;

// ───────────────────────────────────────────── start

export interface ProcessStart<W extends Workflow> {
  tenantCode: string;
  /** Username, instance id, to-do id…: the workflow id is built from it. */
  businessKey: string;
  taskQueue: string;
  args: Parameters<W>;
  /** User id of whoever started it (SignoffInitiator). */
  initiator?: string;
  /** The business status it starts in (SignoffStatus). */
  status?: string;
  /** Approval template key (SignoffTemplate). */
  template?: string;
  /** An approval's business serial number (SignoffSerialNumber). */
  serialNumber?: string;
  /** One line for the Temporal UI's list. */
  summary: string;
  /** Markdown for the Temporal UI's detail page. */
  details?: string;
  memo?: Record<string, unknown>;
  /** Defaults: the definition's policies. */
  conflict?: WorkflowIdConflictPolicy;
  reuse?: WorkflowIdReusePolicy;
}

export type ProcessStartOptions<W extends Workflow> = WorkflowStartOptions<W> & {
  workflowId: string;
  workflowIdConflictPolicy: WorkflowIdConflictPolicy;
};

/** The start options of a process: business-key id, search attributes, summary, policies. */
export function processStartOptions<W extends Workflow>(def: ProcessDefinition<W>, p: ProcessStart<W>): ProcessStartOptions<W> {
  return {
    workflowId: def.workflowId(p.tenantCode, p.businessKey),
    taskQueue: p.taskQueue,
    args: p.args,
    workflowIdConflictPolicy: p.conflict ?? def.policies.conflict,
    workflowIdReusePolicy: p.reuse ?? def.policies.reuse,
    staticSummary: p.summary,
    ...(p.details !== undefined ? { staticDetails: p.details } : {}),
    ...(p.memo ? { memo: p.memo } : {}),
    typedSearchAttributes: processAttributes({
      // A platform-wide process (the audit purge) has neither.
      tenant: p.tenantCode || undefined,
      process: def.process,
      businessKey: p.businessKey || undefined,
      template: p.template,
      initiator: p.initiator,
      status: p.status,
      serialNumber: p.serialNumber,
    }),
  } as unknown as ProcessStartOptions<W>;
}

export interface StartedProcess<W extends Workflow> {
  workflowId: string;
  /** The run this start created or found running; null when a closed run with the id was kept. */
  runId: string | null;
  handle: WorkflowHandle<W>;
}

export interface StartBehaviour {
  /**
   * The id is taken by a closed run the reuse policy keeps: 'keep' answers that run (an
   * idempotent start), a function gives the error to throw. Default: 409 `<resource>_exists`.
   */
  onAlreadyStarted?: 'keep' | ((workflowId: string) => Error);
}

export async function startProcess<W extends Workflow>(client: Client, def: ProcessDefinition<W>, p: ProcessStart<W>, behaviour: StartBehaviour = {}): Promise<StartedProcess<W>> {
  const options = processStartOptions(def, p);
  const { workflowId } = options;
  try {
    const handle = await client.workflow.start<W>(def.workflowType, options);
    return { workflowId, runId: handle.firstExecutionRunId, handle };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const on = behaviour.onAlreadyStarted;
    if (on === 'keep') return { workflowId, runId: null, handle: client.workflow.getHandle<W>(workflowId) };
    throw on ? on(workflowId) : new ConflictError(`${def.resource}_exists` as const, `A ${def.resource} with this key already ran`, { workflowId });
  }
}

/** Signal a process, starting it first when none runs (the to-do reminders' way to (re)schedule). */
export async function signalWithStartProcess<W extends Workflow, A extends unknown[]>(
  client: Client,
  def: ProcessDefinition<W>,
  p: ProcessStart<W>,
  signal: SignalDefinition<A>,
  signalArgs: A,
): Promise<WorkflowHandle<W>> {
  // Signal-with-start always uses the running execution: it takes no conflict policy.
  const { workflowIdConflictPolicy: _conflict, ...options } = processStartOptions(def, p);
  return client.workflow.signalWithStart<W, A>(def.workflowType, { ...options, signal, signalArgs } as never);
}

/** A schedule's start action for a process: same id format, search attributes and summary. */
export function scheduledStart<W extends Workflow>(
  def: ProcessDefinition<W>,
  p: Omit<ProcessStart<W>, 'conflict' | 'reuse' | 'initiator'>,
): ScheduleOptionsStartWorkflowAction<W> {
  const { workflowId, taskQueue, args, typedSearchAttributes, staticSummary, staticDetails, memo } = processStartOptions(def, p as ProcessStart<W>);
  return { type: 'startWorkflow', workflowType: def.workflowType, workflowId, taskQueue, args, typedSearchAttributes, staticSummary, staticDetails, memo } as ScheduleOptionsStartWorkflowAction<W>;
}

// ───────────────────────────────────────────── locate, query, update

export interface LocatedProcess<W extends Workflow> {
  workflowId: string;
  businessKey: string;
  /** SignoffInitiator: who started it (null for a run started without it). */
  initiator: string | null;
  description: WorkflowExecutionDescription;
  /** The latest run of the id: queries and Updates go here. */
  handle: WorkflowHandle<W>;
}

/**
 * The process with this id, if it is one of `def` in the caller's tenant. Anything else (another
 * tenant's id, another process's id, no such run) is the same 404: ids are not an oracle.
 */
export async function locateProcess<W extends Workflow>(client: Client, def: ProcessDefinition<W>, tenantCode: string, workflowId: string): Promise<LocatedProcess<W>> {
  const notFound = () => new NotFoundError(def.resource, workflowId);
  const parsed = def.parseWorkflowId(workflowId);
  if (!parsed || parsed.tenantCode !== tenantCode) throw notFound();
  const handle = client.workflow.getHandle<W>(workflowId);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound();
    throw err;
  }
  if (description.type !== def.workflowType) throw notFound();
  const initiator = (description.typedSearchAttributes.get(SA.initiator) as string | undefined) ?? null;
  return { workflowId, businessKey: parsed.businessKey, initiator, description, handle };
}

/** A query that needs a worker: null when none answers before the deadline (or the run is gone). */
export async function queryLive<R, A extends unknown[]>(
  client: Client,
  handle: WorkflowHandle,
  query: QueryDefinition<R, A>,
  args: A = [] as unknown as A,
  deadlineMs = QUERY_DEADLINE_MS,
): Promise<R | null> {
  try {
    return await client.withDeadline(Date.now() + deadlineMs, () => handle.query(query, ...args));
  } catch {
    return null;
  }
}

export interface UpdateBehaviour {
  /** Idempotency: the same id answers the first call's outcome and has no second effect. */
  updateId?: string;
  /** A validator's or handler's refusal. Default: 422 with the failure's type as code. */
  rejected?: (failure: ApplicationFailure | undefined, message: string) => Error;
  /** The run is closed (Updates cannot reach it). Default: 409 `<resource>_closed`. */
  closed?: () => Error;
}

export async function updateProcess<W extends Workflow, R, A extends unknown[]>(
  def: ProcessDefinition<W>,
  handle: WorkflowHandle<W>,
  update: UpdateDefinition<R, A>,
  args: A,
  behaviour: UpdateBehaviour = {},
): Promise<R> {
  try {
    // The SDK's overloads want a literal tuple type; A is generic here.
    const run = handle.executeUpdate as (def: UpdateDefinition<R, A>, options: { args: A; updateId?: string }) => Promise<R>;
    return await run.call(handle, update, { args, ...(behaviour.updateId ? { updateId: behaviour.updateId } : {}) });
  } catch (err) {
    throw updateError(def, err, behaviour);
  }
}

/** Temporal's answers to an Update, in request terms. Anything unexpected passes through. */
export function updateError(def: ProcessDefinition, err: unknown, behaviour: Pick<UpdateBehaviour, 'rejected' | 'closed'> = {}): unknown {
  if (err instanceof WorkflowUpdateFailedError) {
    const failure = err.cause instanceof ApplicationFailure ? err.cause : undefined;
    const message = (err.cause as Error | undefined)?.message ?? err.message;
    if (behaviour.rejected) return behaviour.rejected(failure, message);
    // The failure's type is the code when the catalogue knows it (with the catalogue's status);
    // an unknown type is not a stable contract, so it is the generic refusal.
    const code = knownErrorCode(failure?.type ? snake(failure.type) : undefined, 'update_rejected');
    return new AppError(errorStatus(code), code, message);
  }
  if (err instanceof WorkflowNotFoundError) {
    return behaviour.closed?.() ?? new ConflictError(`${def.resource}_closed` as const, `This ${def.resource} is no longer running`);
  }
  return err;
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

// ───────────────────────────────────────────── read

/** Temporal's execution status, as the API spells it. */
export const EXECUTION_STATES = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out', 'continued_as_new', 'unknown'] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];

export function executionStateOf(status: { name: string }): ExecutionState {
  const name = status.name.toLowerCase();
  return EXECUTION_STATES.find((s) => s === name) ?? 'unknown';
}

/** What a process is now: live progress while it runs; its result or failure once closed. */
export interface ProcessReading<P, R> {
  workflowId: string;
  runId: string;
  execution: ExecutionState;
  startedAt: string;
  closedAt: string | null;
  /** The live query's answer while running (null: no worker answered in time). */
  live: P | null;
  /** The result of a completed run. */
  result: R | null;
  /** The business failure a failed run ended with (its details carry the process's record). */
  failure: ApplicationFailure | null;
  /** Why a closed run did not complete (failure, cancel, termination, time-out). */
  error: string | null;
}

export async function readProcess<W extends Workflow, P>(
  client: Client,
  located: LocatedProcess<W>,
  progress: QueryDefinition<P, []>,
): Promise<ProcessReading<P, Awaited<WorkflowResultType<W>>>> {
  const { description: d } = located;
  const execution = executionStateOf(d.status);
  const reading: ProcessReading<P, Awaited<WorkflowResultType<W>>> = {
    workflowId: located.workflowId,
    runId: d.runId,
    execution,
    startedAt: d.startTime.toISOString(),
    closedAt: d.closeTime?.toISOString() ?? null,
    live: null,
    result: null,
    failure: null,
    error: null,
  };
  if (execution === 'running') return { ...reading, live: await queryLive(client, located.handle, progress) };
  // The run described, not a later one: the reading stays consistent with its description.
  const run = client.workflow.getHandle<W>(located.workflowId, d.runId, { followRuns: false });
  if (execution === 'completed') return { ...reading, result: (await run.result()) as Awaited<WorkflowResultType<W>> };
  const err = await run.result().then(() => undefined, (e: unknown) => e);
  const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
  return {
    ...reading,
    failure: cause instanceof ApplicationFailure ? cause : null,
    error: (cause ?? (err as Error | undefined))?.message ?? `The ${located.description.type} did not complete`,
  };
}

// ───────────────────────────────────────────── list

export interface ProcessListing {
  workflowId: string;
  businessKey: string;
  /** SignoffStatus: the business status last published. */
  status: string | null;
  execution: ExecutionState;
  startedAt: string;
  closedAt: string | null;
}

/** A tenant's runs of one process, newest first, from visibility (search attributes). */
export async function listProcesses(
  client: Client,
  def: ProcessDefinition,
  tenantCode: string,
  q: { page: number; pageSize: number; execution?: 'running' | 'closed' },
): Promise<{ items: ProcessListing[]; total: number }> {
  // Visibility queries have no bind parameters: strip what could end the string literal.
  const literal = (s: string) => `"${s.replace(/["\\]/g, '')}"`;
  let query = `${SA.tenant.name} = ${literal(tenantCode)} AND ${SA.process.name} = ${literal(def.process)} AND ExecutionStatus != "ContinuedAsNew"`;
  if (q.execution === 'running') query += ' AND ExecutionStatus = "Running"';
  if (q.execution === 'closed') query += ' AND ExecutionStatus != "Running"';
  const { count } = await client.workflow.count(query);
  const items: ProcessListing[] = [];
  const offset = (q.page - 1) * q.pageSize;
  let index = 0;
  for await (const wf of client.workflow.list({ query, pageSize: Math.min(offset + q.pageSize, 1000) })) {
    if (index++ < offset) continue;
    items.push({
      workflowId: wf.workflowId,
      businessKey: def.parseWorkflowId(wf.workflowId)?.businessKey ?? '',
      status: (wf.typedSearchAttributes.get(SA.status) as string | undefined) ?? null,
      execution: executionStateOf(wf.status),
      startedAt: wf.startTime.toISOString(),
      closedAt: wf.closeTime?.toISOString() ?? null,
    });
    if (items.length >= q.pageSize) break;
  }
  return { items, total: count };
}
