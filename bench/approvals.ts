/**
 * Approval part of `npm run bench`:
 *
 *   a two-step approval driven end to end through the HTTP API (POST the request, then each
 *   holder approves their step: Alice submits, Pete approves step one, Carol step two) vs
 *   a bare Temporal workflow with the same number of activities and Updates, via the client;
 *   the inbox query of one approver with 10k and then 100k tasks in the table.
 *
 * Knobs: BENCH_APPROVALS_N (instances, default 100), BENCH_APPROVALS_C (concurrent clients,
 * default 20), BENCH_INBOX_QUERIES (queries per table size, default 60).
 */
import type { Client } from '@temporalio/client';
import type { Runtime } from '../activities/runtime';
import type { Actor } from '../common/actor';
import { newId } from '../common/ids';
import { ApprovalInstance, ApprovalTask, User } from '../db/entities';
import { ms, pool, summarize } from './stats';
import { activityPhases, call, driveApproval, driveBaseline, publishTwoStepTemplate, type BenchPeople } from './approval-flow';

const N = Number(process.env.BENCH_APPROVALS_N ?? 100);
const C = Number(process.env.BENCH_APPROVALS_C ?? 20);
const QUERIES = Math.max(50, Number(process.env.BENCH_INBOX_QUERIES ?? 60));

export interface ApprovalBenchContext {
  rt: Runtime;
  client: Client;
  api: string;
  taskQueue: string;
  tenantId: string;
  users: { admin: User; alice: User; pete: User; carol: User; harry: User };
}

/** The API's own account of a request (Server-Timing), summed per phase over the measured requests. */
const PHASES = ['auth', 'permissions', 'rate_limit', 'validation', 'db', 'temporal', 'other'] as const;
class Breakdown {
  private readonly sums = new Map<string, number[]>();
  add(timing: Record<string, number>): void {
    for (const p of [...PHASES, 'total']) {
      const list = this.sums.get(p) ?? [];
      list.push(timing[p] ?? 0);
      this.sums.set(p, list);
    }
  }
  /** One line: mean per request of each phase and its share of the server's total. */
  line(label: string): string {
    const mean = (p: string) => {
      const l = this.sums.get(p) ?? [];
      return l.reduce((a, b) => a + b, 0) / (l.length || 1);
    };
    const total = mean('total');
    const parts = PHASES.map((p) => `${p} ${mean(p).toFixed(1)} (${total ? Math.round((mean(p) / total) * 100) : 0}%)`);
    return `  ${label} server mean ${total.toFixed(1)} ms = ${parts.join(', ')}`;
  }
}

export async function runApprovalBench(ctx: ApprovalBenchContext): Promise<string[]> {
  const { rt, client } = ctx;
  const http = call(ctx.api);
  const token = async (u: User) => (await rt.tokens.issue(u)).token;
  const people: BenchPeople = {
    tokens: { admin: await token(ctx.users.admin), alice: await token(ctx.users.alice), pete: await token(ctx.users.pete), carol: await token(ctx.users.carol) },
    peteId: ctx.users.pete.id,
    carolId: ctx.users.carol.id,
  };
  const key = await publishTwoStepTemplate(http, people);

  const startLat: number[] = [];
  const approveLat: number[] = [];
  const waitLat: number[] = [];
  const e2eLat: number[] = [];
  const startPhases = new Breakdown();
  const approvePhases = new Breakdown();

  // Warm up, and learn the product's shape: activities per phase between the Updates.
  const warm = await driveApproval(http, key, people, -1);
  for (let i = 0; i < 3; i++) await driveApproval(http, key, people, -2 - i);
  await client.workflow.getHandle(warm.workflowId).result();
  const phases = await activityPhases(client, warm.workflowId);
  const baseN = phases.reduce((a, p) => a + p.remote + p.local, 0);

  const oursWall = await pool(N, C, async (i) => {
    const run = await driveApproval(http, key, people, i);
    startLat.push(run.start);
    startPhases.add(run.startTiming);
    approveLat.push(...run.approves);
    run.approveTimings.forEach((t) => approvePhases.add(t));
    e2eLat.push(run.endToEnd);
    waitLat.push(...run.polls);
  });

  // Baseline: same activity and Update count, bare client, same concurrency.
  const bStart: number[] = [];
  const bApprove: number[] = [];
  const bE2e: number[] = [];
  for (let i = 0; i < 4; i++) await driveBaseline(client, ctx.taskQueue, phases, `warm${i}`);
  const baseWall = await pool(N, C, async (i) => {
    const run = await driveBaseline(client, ctx.taskQueue, phases, String(i));
    bStart.push(run.start);
    bApprove.push(...run.approves);
    bE2e.push(run.endToEnd);
  });

  const inbox = await inboxScaling(rt, ctx.tenantId, ctx.users.harry, ctx.api);

  const oursRate = (N / oursWall) * 1000;
  const baseRate = (N / baseWall) * 1000;
  const s = summarize(startLat);
  const a = summarize(approveLat);
  const w = summarize(waitLat);
  const e = summarize(e2eLat);
  const bs = summarize(bStart);
  const ba = summarize(bApprove);
  const be = summarize(bE2e);
  const trio = (x: { p50: number; p95: number; p99: number }) => `${ms(x.p50)} / ${ms(x.p95)} / ${ms(x.p99)}`;
  return [
    `two-step approval via HTTP (start + 2 approves)  vs  bare Temporal workflow (${baseN} no-op activities in phases [${phases.map((p) => `${p.remote}+${p.local}L`).join(', ')}] around ${phases.length - 1} Updates) — N=${N}, C=${C}`,
    `  throughput             ${oursRate.toFixed(1)} /s          vs  ${baseRate.toFixed(1)} /s      ratio ours/baseline (time per instance) ${(baseRate / oursRate).toFixed(2)}`,
    `  start   p50/p95/p99    ${trio(s)}   vs  ${trio(bs)}`,
    `  approve p50/p95/p99    ${trio(a)}   vs  ${trio(ba)}   ratio p95 ${(a.p95 / ba.p95).toFixed(2)}`,
    `  end-to-end p50/p95/p99 ${trio(e)}   vs  ${trio(be)}   ratio p50 ${(e.p50 / be.p50).toFixed(2)}`,
    `  (ours also polls the detail until step one is assigned after the 202: p50/p95 ${ms(w.p50)} / ${ms(w.p95)}, included in end-to-end)`,
    `  where the API's time goes (Server-Timing self times; db and temporal are waits, other is handler code and the event loop):`,
    startPhases.line('start  '),
    approvePhases.line('approve'),
    ...inbox,
  ];
}

/**
 * The to-do inbox of one approver (50 open tasks of theirs) while the task table holds 10k, then
 * 100k rows of other people (half as many instances); rows are bulk-inserted directly.
 */
async function inboxScaling(rt: Runtime, tenantId: string, approver: User, api: string): Promise<string[]> {
  const actor: Actor = { tenantId, userId: approver.id, permissions: new Set<string>(), via: 'access_token' };
  const token = (await rt.tokens.issue(approver)).token;
  const assignees = Array.from({ length: 2000 }, () => newId());
  const now = Date.now();
  let inserted = 0;
  const fill = async (target: number, mine: number) => {
    const em = rt.orm.em.fork();
    while (inserted < target) {
      const instances: Record<string, unknown>[] = [];
      const tasks: Record<string, unknown>[] = [];
      for (let k = 0; k < 250 && inserted < target; k++) {
        const id = newId();
        const at = new Date(now - (target - inserted) * 1000);
        const done = inserted % 3 === 0;
        instances.push({
          id,
          tenantId,
          workflowId: `approval:bench:${id}`,
          templateId: id,
          templateKey: 'bench-fill',
          templateVersion: 1,
          templateName: 'Bench fill',
          title: `Fill ${inserted}`,
          initiatorId: assignees[inserted % assignees.length],
          initiatorDepartmentId: null,
          status: done ? 'approved' : 'running',
          form: {},
          currentStepIds: done ? [] : ['one'],
          currentAssigneeIds: [],
          round: 1,
          projectedSeq: 1,
          submittedAt: at,
          finishedAt: done ? at : null,
          createdAt: at,
          updatedAt: at,
        });
        for (let j = 0; j < 2; j++) {
          const isMine = mine > 0 && j === 0;
          if (isMine) mine--;
          tasks.push({
            id: newId(),
            tenantId,
            instanceId: id,
            position: j,
            stepId: j === 0 ? 'one' : 'two',
            stepName: j === 0 ? 'Step one' : 'Step two',
            kind: 'approval',
            assigneeId: isMine ? approver.id : assignees[(inserted * 2 + j) % assignees.length],
            status: done ? 'approved' : j === 0 ? 'open' : 'waiting',
            reason: null,
            comment: null,
            autoApproved: null,
            round: 1,
            openedAt: at,
            actedAt: done ? at : null,
            createdAt: at,
            updatedAt: at,
          });
          inserted++;
        }
      }
      await em.insertMany(ApprovalInstance, instances as never);
      await em.insertMany(ApprovalTask, tasks as never);
    }
  };
  const measure = async () => {
    const svc: number[] = [];
    const viaHttp: number[] = [];
    const direct: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i++) await rt.services.approvalInbox.list(actor, { box: 'todo', limit: 20 } as never);
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now();
      const page = await rt.services.approvalInbox.list(actor, { box: 'todo', limit: 20 } as never);
      svc.push(performance.now() - t0);
      count = page.items.length;
      const h0 = performance.now();
      const res = await fetch(`${api}/api/v1/approvals/inbox?box=todo&limit=20`, { headers: { authorization: `Bearer ${token}` } });
      await res.json();
      viaHttp.push(performance.now() - h0);
      // The same page without the sub-select over the tenant's instances (only needed when the
      // inbox filters by template, status or title): what the inbox costs once it skips it.
      const d0 = performance.now();
      const em = rt.orm.em.fork();
      const rows = await em.find(ApprovalTask, { tenantId, assigneeId: approver.id, kind: 'approval', status: 'open' }, { orderBy: { openedAt: 'desc', id: 'desc' }, limit: 21 });
      await em.find(ApprovalInstance, { tenantId, id: { $in: rows.map((r) => r.instanceId) } });
      direct.push(performance.now() - d0);
    }
    return { svc: summarize(svc), http: summarize(viaHttp), direct: summarize(direct), count };
  };
  const lines = [`inbox to-do query of one approver (first page of 20; ${QUERIES} queries each)`];
  for (const [target, mine] of [
    [10_000, 50],
    [100_000, 0],
  ] as const) {
    const t0 = performance.now();
    await fill(target, mine);
    const fillMs = performance.now() - t0;
    const total = await rt.orm.em.fork().count(ApprovalTask, {});
    const m = await measure();
    lines.push(
      `  ${String(total).padStart(6)} tasks: service p50/p95 ${ms(m.svc.p50)} / ${ms(m.svc.p95)}   HTTP p50/p95 ${ms(m.http.p50)} / ${ms(m.http.p95)}   without the instance sub-select p50/p95 ${ms(m.direct.p50)} / ${ms(m.direct.p95)}   (${m.count} items; bulk insert ${(fillMs / 1000).toFixed(1)} s)`,
    );
  }
  return lines;
}
