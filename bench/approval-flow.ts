/**
 * One two-step approval, driven the way a user drives it, and its bare-Temporal twin: shared by
 * the in-process approval bench (bench/approvals.ts) and the multi-process scale bench
 * (bench/scale.ts), so both measure exactly the same journey.
 *
 *   ours:     POST /approvals (202), read the detail until step one is assigned, Pete approves
 *             (the answer carries step two), Carol approves;
 *   baseline: a start that runs the start phase's activities, then one Update per step running
 *             that phase's activities (the counts learnt from one of ours).
 */
import type { Client } from '@temporalio/client';
import { parseServerTiming } from '../common/timing';
import type { BaselinePhase } from './workflows';

export type Call = (method: string, path: string, body: unknown, token: string) => Promise<{ status: number; body: any; timing: Record<string, number> }>;

export const call: (api: string) => Call = (api) => async (method, path, body, token) => {
  const res = await fetch(api + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as any), timing: parseServerTiming(res.headers.get('server-timing')) };
};

export interface BenchPeople {
  tokens: { admin: string; alice: string; pete: string; carol: string };
  peteId: string;
  carolId: string;
}

/** Publish the bench's two-step template (Pete, then Carol); returns its key. */
export async function publishTwoStepTemplate(http: Call, people: BenchPeople): Promise<string> {
  const key = `bench-2step-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const step = (id: string, userId: string) => ({ kind: 'approval', id, name: `Step ${id}`, assignees: { type: 'users', userIds: [userId] } });
  const created = await http(
    'POST',
    '/api/v1/approval-templates',
    { key, name: 'Bench request', category: 'general', formSchema: { fields: [{ id: 'amount', label: 'Amount', type: 'number', required: true }] }, flow: [step('one', people.peteId), step('two', people.carolId)] },
    people.tokens.admin,
  );
  if (created.status !== 201) throw new Error(`template: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await http('POST', `/api/v1/approval-templates/${created.body.id}/publish`, undefined, people.tokens.admin);
  if (published.status !== 201) throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
  return key;
}

/** What one approval observed: latencies (ms), the API's Server-Timing per call, and whether step one had to be polled for. */
export interface ApprovalRun {
  workflowId: string;
  start: number;
  approves: number[];
  endToEnd: number;
  startTiming: Record<string, number>;
  approveTimings: Record<string, number>[];
  /** ms spent reading the detail until the holder's task showed (after the 202, or when an approve's answer lacked it). */
  polls: number[];
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** Submit as Alice, approve as Pete then Carol; each approve answers once the flow has reacted. */
export async function driveApproval(http: Call, key: string, people: BenchPeople, amount: number): Promise<ApprovalRun> {
  const polls: number[] = [];
  const openTask = async (instanceId: string, holderId: string, token: string): Promise<string> => {
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) {
      const d = await http('GET', `/api/v1/approvals/${instanceId}`, undefined, token);
      const task = d.status === 200 ? d.body.tasks.find((t: any) => t.assignee.userId === holderId && t.status === 'open') : undefined;
      if (task) {
        polls.push(performance.now() - t0);
        return task.taskId as string;
      }
      await sleep(40);
    }
    throw new Error(`no open task for ${holderId} on ${instanceId}`);
  };
  const t0 = performance.now();
  const started = await http('POST', '/api/v1/approvals', { templateKey: key, form: { amount } }, people.tokens.alice);
  const start = performance.now() - t0;
  if (started.status !== 202) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
  const id = started.body.instanceId as string;
  const t1id = await openTask(id, people.peteId, people.tokens.pete);
  let a0 = performance.now();
  const first = await http('POST', `/api/v1/approvals/${id}/tasks/${t1id}/approve`, {}, people.tokens.pete);
  const approve1 = performance.now() - a0;
  if (first.status !== 200) throw new Error(`approve 1: ${first.status} ${JSON.stringify(first.body)}`);
  const t2 = first.body.tasks.find((t: any) => t.stepId === 'two' && t.status === 'open');
  const t2id = t2 ? (t2.taskId as string) : await openTask(id, people.carolId, people.tokens.carol);
  a0 = performance.now();
  const second = await http('POST', `/api/v1/approvals/${id}/tasks/${t2id}/approve`, {}, people.tokens.carol);
  const approve2 = performance.now() - a0;
  if (second.status !== 200 || second.body.status !== 'approved') throw new Error(`approve 2: ${second.status} ${JSON.stringify(second.body).slice(0, 500)}`);
  return {
    workflowId: started.body.workflowId as string,
    start,
    approves: [approve1, approve2],
    endToEnd: performance.now() - t0,
    startTiming: started.timing,
    approveTimings: [first.timing, second.timing],
    polls,
  };
}

/** The bare twin of one approval: a plain start, then one Update per step. */
export async function driveBaseline(client: Client, taskQueue: string, phases: BaselinePhase[], tag: string): Promise<{ start: number; approves: number[]; endToEnd: number }> {
  const t0 = performance.now();
  const handle = await client.workflow.start('baselineApprovalWorkflow', { taskQueue, workflowId: `baseline-approval-${tag}-${Date.now()}`, args: [tag, phases] });
  const start = performance.now() - t0;
  const approves: number[] = [];
  for (let s = 0; s < phases.length - 1; s++) {
    const a0 = performance.now();
    await handle.executeUpdate<number, [number]>('baselineApprove', { args: [s] });
    approves.push(performance.now() - a0);
  }
  return { start, approves, endToEnd: performance.now() - t0 };
}

/** Activities (through the queue, and local) before the first accepted Update, between Updates, and after the last. */
export async function activityPhases(client: Client, workflowId: string): Promise<BaselinePhase[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const phases: BaselinePhase[] = [{ remote: 0, local: 0 }];
  for (const ev of history.events ?? []) {
    const last = phases[phases.length - 1];
    if (ev.workflowExecutionUpdateAcceptedEventAttributes) phases.push({ remote: 0, local: 0 });
    else if (ev.activityTaskScheduledEventAttributes) last.remote++;
    else if (ev.markerRecordedEventAttributes?.markerName === 'core_local_activity') last.local++;
  }
  return phases;
}
