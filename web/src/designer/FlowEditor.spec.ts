import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { reactive } from 'vue';
import type { Definition } from '@/api/types';
import { LEAVE, plugins } from '@/test/setup';
import FlowEditor from './FlowEditor.vue';
import { allSteps, clone, insertStep, moveStep, newStep, pinProblems, removeStep, usedIds } from './model';

const leave = () => clone(LEAVE) as unknown as Definition;
const json = (v: unknown) => JSON.parse(JSON.stringify(v));

const mounted: ReturnType<typeof mount>[] = [];
afterEach(async () => {
  await flushPromises();
  await new Promise((r) => setTimeout(r, 50));
  mounted.splice(0).forEach((w) => w.unmount());
});

function editor(def: Definition) {
  const wrapper = mount(FlowEditor, { props: { def, problems: [] }, global: { plugins: plugins() }, attachTo: document.body });
  mounted.push(wrapper);
  return wrapper;
}

describe('designer: DSL round trip', () => {
  it('load → select every step → save gives the same DSL', async () => {
    const def = reactive(leave());
    const w = editor(def);
    for (const { step } of allSteps(def)) {
      await w.find(`[data-step="${step.id}"]`).trigger('click');
      expect(w.find('[data-test="step-panel"]').exists()).toBe(true);
    }
    await flushPromises();
    expect(json(def)).toEqual(json(LEAVE));
  });

  it('renaming a step in the panel changes exactly that name', async () => {
    const def = reactive(leave());
    const w = editor(def);
    await w.find('[data-step="hr_review"]').trigger('click');
    await w.find('[data-test="step-panel"] [data-test="step-name"]').setValue('People team review');
    const expected = json(LEAVE);
    expected.flow[0].branches[0].steps[1].name = 'People team review';
    expect(json(def)).toEqual(expected);
  });

  it('editing a branch condition keeps the value a number and changes nothing else', async () => {
    const def = reactive(leave());
    const w = editor(def);
    await w.find('[data-step="duration"]').trigger('click');
    await w.find('[data-test="cond-value-0-0"]').setValue('5');
    const expected = json(LEAVE);
    expected.flow[0].branches[0].when.value = 5;
    expect(json(def)).toEqual(expected);
  });

  it('clearing an optional timer removes the key (no empty strings), setting it back restores the DSL', async () => {
    const def = reactive(leave());
    const w = editor(def);
    await w.find('[data-step="head_long"]').trigger('click');
    const input = w.find('#step-remindAfter');
    await input.setValue('');
    const without = json(LEAVE);
    delete without.flow[0].branches[0].steps[0].time.remindAfter;
    expect(json(def)).toEqual(without);
    await input.setValue('24h');
    // Same content; only the key order inside `time` may differ.
    expect(json(def).flow[0].branches[0].steps[0].time).toEqual(json(LEAVE).flow[0].branches[0].steps[0].time);
  });

  it('deleting a step with the keyboard removes it and nothing else', async () => {
    const def = reactive(leave());
    const w = editor(def);
    await w.find('[data-step="notify_hr"]').trigger('keydown', { key: 'Delete' });
    const expected = json(LEAVE);
    expected.flow.splice(1, 1);
    expect(json(def)).toEqual(expected);
  });

  it('the canvas pins server problems to their steps by path', async () => {
    const def = reactive(leave());
    const wrapper = mount(FlowEditor, {
      props: { def, problems: [{ path: 'flow[0].branches[0].steps[1].assignees.roleCodes[0]', message: 'unknown role "hr"', code: 'unknown_role' }] },
      global: { plugins: plugins() },
      attachTo: document.body,
    });
    mounted.push(wrapper);
    expect(wrapper.find('[data-test="step-problems-hr_review"]').text()).toContain('1');
    expect(wrapper.find('[data-test="step-problems-head_long"]').exists()).toBe(false);
  });
});

describe('designer model', () => {
  it('adds steps of every kind with unique ids', () => {
    const def = leave();
    const used = usedIds(def);
    const names = { approval: 'A', cc: 'C', condition: 'If', parallel: 'P', delay: 'D', action: 'X' } as const;
    for (const kind of ['approval', 'cc', 'condition', 'parallel', 'delay', 'action'] as const) insertStep(def.flow, def.flow.length, newStep(kind, used, names));
    const ids = allSteps(def).map((s) => s.step.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(def.flow.slice(-6).map((s) => s.kind)).toEqual(['approval', 'cc', 'condition', 'parallel', 'delay', 'action']);
  });

  it('moves a step into a branch and back, and refuses to nest a step in itself', () => {
    const def = leave();
    const cond = def.flow[0] as Extract<Definition['flow'][number], { kind: 'condition' }>;
    expect(moveStep(def.flow, 1, cond.default!.steps, 0)).toBe(true);
    expect(cond.default!.steps.map((s) => s.id)).toEqual(['notify_hr', 'head_short']);
    expect(moveStep(cond.default!.steps, 0, def.flow, 1)).toBe(true);
    expect(json(def)).toEqual(json(LEAVE));
    expect(moveStep(def.flow, 0, cond.branches[0].steps, 0)).toBe(false);
    removeStep(def.flow, 1);
    expect(def.flow).toHaveLength(1);
  });

  it('pins each problem to the deepest step its path names', () => {
    const pinned = pinProblems(leave(), [
      { path: 'flow[0].branches[0].steps[0].time.timeoutAfter', message: 'bad', code: 'x' },
      { path: 'flow[0].default.steps[0]', message: 'bad', code: 'x' },
      { path: 'flow[0].branches[0].when.field', message: 'bad', code: 'x' },
      { path: 'formSchema.fields[2].max', message: 'bad', code: 'x' },
      { path: 'hooks.onApproved[0]', message: 'bad', code: 'x' },
    ]);
    expect(Object.keys(pinned.steps).sort()).toEqual(['flow[0]', 'flow[0].branches[0].steps[0]', 'flow[0].default.steps[0]']);
    expect(Object.keys(pinned.fields)).toEqual(['2']);
    expect(pinned.other.map((p) => p.path)).toEqual(['hooks.onApproved[0]']);
  });
});
