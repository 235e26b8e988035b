import { afterEach, describe, expect, it } from 'vitest';
import { mount, flushPromises } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import type { FormField } from '@/api/types';
import FormRenderer from './FormRenderer.vue';
import { checkField, checkForm, submission } from './validation';
import { plugins } from '@/test/setup';

const ALL_TYPES: FormField[] = [
  { id: 'title', label: 'Title', type: 'text', required: true, min: 2, max: 20 },
  { id: 'notes', label: 'Notes', type: 'textarea', required: false, max: 50 },
  { id: 'count', label: 'Count', type: 'number', required: true, min: 1, max: 10 },
  { id: 'amount', label: 'Amount', type: 'money', required: true, min: 0.01, max: 5000, currency: 'EUR' },
  { id: 'day', label: 'Day', type: 'date', required: false },
  { id: 'period', label: 'Period', type: 'dateRange', required: true, min: 1, max: 5 },
  { id: 'kind', label: 'Kind', type: 'select', required: true, options: [{ value: 'a', label: 'Alpha' }, { value: 'b', label: 'Beta' }] },
  { id: 'tags', label: 'Tags', type: 'multiSelect', required: false, min: 1, max: 2, options: [{ value: 'x', label: 'X' }, { value: 'y', label: 'Y' }, { value: 'z', label: 'Z' }] },
  { id: 'owner', label: 'Owner', type: 'user', required: false },
  { id: 'teams', label: 'Teams', type: 'department', required: false, multiple: true, max: 2 },
  { id: 'files', label: 'Files', type: 'attachments', required: false, max: 1 },
] as FormField[];

function host(fields: FormField[], initial: Record<string, unknown> = {}, serverErrors: Record<string, string> = {}) {
  const model = ref<Record<string, unknown>>(initial);
  const errors = ref(serverErrors);
  const renderer = ref<InstanceType<typeof FormRenderer> | null>(null);
  const Host = defineComponent({
    setup: () => () =>
      h(FormRenderer, { ref: renderer, fields, modelValue: model.value, serverErrors: errors.value, 'onUpdate:modelValue': (v: Record<string, unknown>) => (model.value = v) }),
  });
  const wrapper = mount(Host, { global: { plugins: plugins(), stubs: { transition: false, 'transition-group': false } }, attachTo: document.body });
  mounted.push(wrapper);
  return { wrapper, model, errors, renderer };
}

const mounted: ReturnType<typeof mount>[] = [];
// Let pending input measurements (textarea autosize) finish before the DOM goes away.
afterEach(async () => {
  await settle();
  mounted.splice(0).forEach((w) => w.unmount());
});

/** Element Plus shows a form item's error after a short debounce. */
const settle = async () => {
  await flushPromises();
  await new Promise((r) => setTimeout(r, 150));
};

const errorAt = (wrapper: ReturnType<typeof mount>, field: string) => wrapper.find(`[data-field="${field}"] .el-form-item__error`);

describe('form generator', () => {
  it('renders a labelled control for every field type', () => {
    const { wrapper } = host(ALL_TYPES);
    for (const f of ALL_TYPES) {
      const item = wrapper.find(`[data-field="${f.id}"]`);
      expect(item.exists(), f.type).toBe(true);
      expect(item.find('.el-form-item__label').text()).toBe(f.label);
      expect(item.classes()).toContain(`field-${f.type}`);
    }
    // Money shows its currency; the date range both ends; required fields are marked.
    expect(wrapper.find('[data-field="amount"] .currency').text()).toBe('EUR');
    expect(wrapper.findAll('[data-field="period"] input')).toHaveLength(2);
    expect(wrapper.find('[data-field="title"]').classes()).toContain('is-required');
    expect(wrapper.find('[data-field="notes"]').classes()).not.toContain('is-required');
  });

  it('typing into a field updates the model', async () => {
    const { wrapper, model } = host(ALL_TYPES);
    await wrapper.find('[data-field="title"] input').setValue('Trip');
    expect(model.value.title).toBe('Trip');
    await wrapper.find('[data-field="notes"] textarea').setValue('Some notes');
    expect(model.value.notes).toBe('Some notes');
  });

  it('validate() marks every problem at its field, as the server would', async () => {
    const { wrapper, renderer } = host(ALL_TYPES, { title: 'x', amount: 1.234, period: { start: '2026-03-10', end: '2026-03-01' } });
    expect(renderer.value!.validate()).toBe(false);
    await settle();
    expect(errorAt(wrapper, 'title').text()).toBe('At least 2 characters');
    expect(errorAt(wrapper, 'count').text()).toBe('Required');
    expect(errorAt(wrapper, 'amount').text()).toBe('At most two decimals');
    expect(errorAt(wrapper, 'period').text()).toBe('The end is before the start');
    expect(errorAt(wrapper, 'kind').text()).toBe('Required');
    // Optional fields left empty are fine.
    expect(errorAt(wrapper, 'notes').exists()).toBe(false);
    expect(errorAt(wrapper, 'owner').exists()).toBe(false);
  });

  it('shows server field errors at their fields until the field is edited', async () => {
    const { wrapper } = host(ALL_TYPES, { title: 'Trip' }, { title: 'is already used', amount: 'must be at most 5000' });
    await settle();
    expect(errorAt(wrapper, 'title').text()).toBe('is already used');
    expect(errorAt(wrapper, 'amount').text()).toBe('must be at most 5000');
    await wrapper.find('[data-field="title"] input').setValue('Trip 2');
    await settle();
    expect(errorAt(wrapper, 'title').exists()).toBe(false);
    expect(errorAt(wrapper, 'amount').text()).toBe('must be at most 5000');
  });
});

describe('client-side rules mirror the server', () => {
  const f = (id: string) => ALL_TYPES.find((x) => x.id === id)!;
  it.each([
    ['title', '  ', 'form.required'],
    ['title', 'abcdefghijklmnopqrstuvwxyz', 'form.tooLong'],
    ['count', 0, 'form.min'],
    ['count', 11, 'form.max'],
    ['count', Number.NaN, 'form.notANumber'],
    ['amount', 10.001, 'form.twoDecimals'],
    ['day', '2026-02-30', 'form.invalidDate'],
    ['period', { start: '2026-01-01', end: '2026-01-09' }, 'form.rangeMaxDays'],
    ['kind', 'c', 'form.notAnOption'],
    ['tags', ['x', 'x'], 'form.notAnOption'],
    ['tags', ['x', 'y', 'z'], 'form.maxItems'],
    ['owner', 'not-a-uuid', 'form.invalidId'],
    ['files', [{ fileId: 'a', name: 'a' }, { fileId: 'b', name: 'b' }], 'form.maxItems'],
  ])('%s = %j → %s', (id, value, key) => {
    expect(checkField(f(id), value)?.key).toBe(key);
  });

  it.each([
    ['title', 'Trip'],
    ['amount', 0.1 + 0.2],
    ['period', { start: '2026-01-01', end: '2026-01-05' }],
    ['owner', '0190a5f2-7b6c-7cde-8f00-123456789abc'],
    ['teams', ['0190a5f2-7b6c-7cde-8f00-123456789abc']],
  ])('%s = %j passes', (id, value) => {
    expect(checkField(f(id), value)).toBeNull();
  });

  it('the submission leaves empty optional fields out and trims text', () => {
    const data = { title: '  Trip ', notes: '', count: 2, tags: [], owner: null };
    expect(submission(ALL_TYPES, data)).toEqual({ title: 'Trip', count: 2 });
    expect(Object.keys(checkForm(ALL_TYPES, data)).sort()).toEqual(['amount', 'kind', 'period']);
  });
});
