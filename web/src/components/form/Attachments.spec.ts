/**
 * Attachments in the console: the field uploads through el-upload with the given uploader and
 * shows progress until the file joins the list; the read-only view lists files as download
 * links, also when the form schema is not known (the initiator may not read templates).
 */
import { describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import type { Attachment } from '@/api/types';
import { plugins } from '@/test/setup';
import AttachmentsField from './AttachmentsField.vue';
import FormView from './FormView.vue';

describe('AttachmentsField', () => {
  it('uploads a chosen file with the uploader, shows progress, then lists it', async () => {
    let finish: (a: Attachment) => void = () => undefined;
    let progress: (p: number) => void = () => undefined;
    const seen: string[] = [];
    const uploader = (file: File, onProgress: (p: number) => void) => {
      seen.push(file.name);
      progress = onProgress;
      return new Promise<Attachment>((resolve) => (finish = resolve));
    };
    const model = ref<Attachment[]>([]);
    const Host = defineComponent({
      setup: () => () => h(AttachmentsField, { modelValue: model.value, uploader, 'onUpdate:modelValue': (v: Attachment[]) => (model.value = v) }),
    });
    const wrapper = mount(Host, { global: { plugins: plugins() }, attachTo: document.body });
    const input = wrapper.find('input[type=file]');
    Object.defineProperty(input.element, 'files', { value: [new File(['hello'], 'quote.txt', { type: 'text/plain' })] });
    await input.trigger('change');
    await flushPromises();
    expect(seen).toEqual(['quote.txt']);
    progress(40);
    await flushPromises();
    expect(wrapper.text()).toContain('Uploading quote.txt');
    expect(wrapper.text()).toContain('40%');
    finish({ fileId: 'f-1', name: 'quote.txt', size: 5 });
    await flushPromises();
    expect(model.value).toEqual([{ fileId: 'f-1', name: 'quote.txt', size: 5 }]);
    expect(wrapper.text()).not.toContain('Uploading');
    expect(wrapper.find('.files').text()).toContain('quote.txt');
    wrapper.unmount();
  });
});

describe('FormView', () => {
  it('lists attachments as download links, with or without the form schema', () => {
    const data = { amount: 3, quotes: [{ fileId: 'f-1', name: 'quote.pdf', size: 2048 }] };
    for (const fields of [null, [{ id: 'quotes', label: 'Quotes', type: 'attachments' as const }]]) {
      const wrapper = mount(FormView, { props: { data, fields: fields as never }, global: { plugins: plugins() } });
      const link = wrapper.find('[data-field=quotes] a');
      expect(link.text()).toBe('quote.pdf');
      expect(link.attributes('href')).toBe('/api/v1/files/f-1');
      expect(wrapper.find('[data-field=quotes]').text()).toContain('2 KB');
      wrapper.unmount();
    }
  });
});
