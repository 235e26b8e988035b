/**
 * What must survive time: a request keeps the template version it started with when a new one
 * is published mid-flight, and a worker that goes away mid-approval loses nothing — an action
 * sent while no worker runs is applied once a worker is back, and the flow carries on.
 */
import type { TemplateInput } from '../../workflows/approval/dsl';
import { startTestWorker, uniqueCode, type TestWorker } from '../harness/harness';
import { act, approval, openTaskOf, publish, startRuntimeEnv, statuses, submit, until, type RuntimeEnv } from './helpers';

const TEMPLATES = '/api/v1/approval-templates';

describe('approval durability', () => {
  let env: RuntimeEnv;
  let extraWorker: TestWorker | undefined;

  beforeAll(async () => {
    env = await startRuntimeEnv();
  });
  afterAll(async () => {
    // The replacement worker first: env.close() stops the original one (already stopped: a no-op).
    await extraWorker?.stop();
    await env?.close();
  });

  const assigned = (d: any) => d.tasks.some((t: any) => t.status === 'open');

  it('version pinning: a request runs the version it started with, a later one the new version', async () => {
    const key = uniqueCode('tpl-');
    const body = (flow: TemplateInput['flow'], name: string): TemplateInput => ({
      key,
      name,
      category: 'general',
      formSchema: { fields: [{ id: 'amount', label: 'Amount', type: 'number', required: true }] },
      flow,
    });
    const created = await env.api.post(TEMPLATES, body([approval('first', [env.id('pete')]), approval('second', [env.id('fiona')])], 'Two steps'), env.tokens.admin);
    expect((await env.api.post(`${TEMPLATES}/${created.body.id}/publish`, undefined, env.tokens.admin)).status).toBe(201);
    const old = await submit(env, key);
    const oldDetail = await until(env, old, assigned);
    expect(oldDetail.template.version).toBe(1);

    // v2 while the v1 request waits: one step, someone else.
    expect((await env.api.put(`${TEMPLATES}/${created.body.id}`, body([approval('only', [env.id('carol')])], 'One step'), env.tokens.admin)).status).toBe(200);
    const v2 = await env.api.post(`${TEMPLATES}/${created.body.id}/publish`, undefined, env.tokens.admin);
    expect([v2.status, v2.body.version]).toEqual([201, 2]);

    const fresh = await submit(env, key);
    const freshDetail = await until(env, fresh, assigned);
    expect(freshDetail.template.version).toBe(2);
    expect(statuses(freshDetail)).toEqual(['only:Carol:open']);

    // The v1 request goes on through v1's steps.
    let r = await act(env, 'pete', old, openTaskOf(oldDetail, env.id('pete')), 'approve');
    expect(statuses(r.body)).toEqual(['first:Pete:approved', 'second:Fiona:open']);
    r = await act(env, 'fiona', old, openTaskOf(r.body, env.id('fiona')), 'approve');
    expect([r.body.status, r.body.template.version]).toEqual(['approved', 1]);
  });

  it('worker restart: an approval sent while no worker runs is applied when one is back; the flow carries on', async () => {
    const key = await publish(env, [approval('a', [env.id('pete')]), approval('b', [env.id('fiona')])]);
    const id = await submit(env, key);
    const d = await until(env, id, assigned);

    await env.worker.stop();
    // Sent now, answered only once a worker has applied it: the request waits, nothing is lost.
    const pending = act(env, 'pete', id, openTaskOf(d, env.id('pete')), 'approve');
    await new Promise((r) => setTimeout(r, 1500));
    expect(statuses(await until(env, id, () => true))).toEqual(['a:Pete:open']);

    extraWorker = await startTestWorker(env.rt, env.worker.taskQueue);
    const answered = await pending;
    expect(answered.status).toBe(200);
    expect(statuses(answered.body)).toEqual(['a:Pete:approved', 'b:Fiona:open']);
    const done = await act(env, 'fiona', id, openTaskOf(answered.body, env.id('fiona')), 'approve');
    expect(done.body.status).toBe('approved');
    expect(done.body.timeline.filter((e: any) => e.type === 'approved')).toHaveLength(2);
  });
});

