/** Helpers shared by the approval-template tests. */
import type { TemplateInput } from '../../workflows/approval/dsl';

export const TEMPLATES = '/api/v1/approval-templates';

/** A small valid template: a form with one field of most types and one approval step. */
export function baseTemplate(key = 'base', extra: Partial<TemplateInput> = {}): TemplateInput {
  return {
    key,
    name: `Template ${key}`,
    category: 'general',
    formSchema: {
      fields: [
        { id: 'amount', label: 'Amount', type: 'money', required: true },
        { id: 'title', label: 'Title', type: 'text' },
        { id: 'kind', label: 'Kind', type: 'select', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
        { id: 'boss', label: 'Boss', type: 'user' },
        { id: 'start', label: 'Start', type: 'date' },
        { id: 'period', label: 'Period', type: 'dateRange' },
      ],
    },
    flow: [{ kind: 'approval', id: 'head', name: 'Department head', assignees: { type: 'departmentHead' } }],
    ...extra,
  };
}

/** `path code` strings, sorted: exact, order-independent comparison of problem lists. */
export const problems = (errors: { path: string; code?: string }[] | undefined) => (errors ?? []).map((e) => `${e.path} ${e.code}`).sort();
