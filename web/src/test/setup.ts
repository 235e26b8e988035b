/** Mounting helpers for component tests: the plugins every console component expects. */
import { createPinia, setActivePinia } from 'pinia';
import { i18n } from '@/i18n';

export function plugins() {
  const pinia = createPinia();
  setActivePinia(pinia);
  i18n.global.locale.value = 'en';
  return [pinia, i18n];
}

/** The preset leave template as the API returns it (defaults filled in). */
export const LEAVE = {
  key: 'leave',
  name: 'Leave request',
  category: 'hr',
  description: 'Time off.',
  formSchema: {
    fields: [
      { id: 'leaveType', label: 'Type of leave', type: 'select', required: true, options: [{ value: 'annual', label: 'Annual leave' }, { value: 'sick', label: 'Sick leave' }] },
      { id: 'period', label: 'Period', type: 'dateRange', required: true, min: 1, max: 90 },
      { id: 'days', label: 'Working days', type: 'number', required: true, min: 0.5, max: 60 },
      { id: 'reason', label: 'Reason', type: 'textarea', required: false, max: 2000 },
    ],
  },
  settings: { initiatorIsApprover: 'skip', autoPassRepeatedApprover: true, resubmitFrom: 'start' },
  flow: [
    {
      kind: 'condition',
      id: 'duration',
      name: 'Length of the leave',
      branches: [
        {
          id: 'long',
          name: 'More than 3 days',
          when: { field: 'form.days', op: '>', value: 3 },
          steps: [
            {
              kind: 'approval',
              id: 'head_long',
              name: 'Department head',
              assignees: { type: 'departmentHead', level: 1 },
              mode: 'any',
              emptyAssignee: { type: 'assignTo', userIds: [], roleCodes: ['hr'] },
              onReject: { type: 'returnToInitiator' },
              allowAddSign: false,
              allowTransfer: true,
              allowDelegate: false,
              time: { remindAfter: '24h', remindEvery: '24h', remindMaxTimes: 3, timeoutAfter: 'P3D', timeoutAction: { type: 'escalate', to: 'manager' } },
              initiatorSelects: false,
            },
            {
              kind: 'approval',
              id: 'hr_review',
              name: 'HR review',
              assignees: { type: 'role', roleCodes: ['hr'] },
              mode: 'any',
              emptyAssignee: { type: 'assignTo', userIds: [], roleCodes: ['tenant_admin'] },
              onReject: { type: 'returnToStep', stepId: 'head_long' },
              allowAddSign: false,
              allowTransfer: true,
              allowDelegate: false,
              initiatorSelects: false,
            },
          ],
        },
      ],
      default: {
        id: 'short',
        name: 'Up to 3 days',
        steps: [
          {
            kind: 'approval',
            id: 'head_short',
            name: 'Department head',
            assignees: { type: 'departmentHead', level: 1 },
            mode: 'any',
            emptyAssignee: { type: 'assignTo', userIds: [], roleCodes: ['hr'] },
            onReject: { type: 'returnToInitiator' },
            allowAddSign: false,
            allowTransfer: true,
            allowDelegate: false,
            initiatorSelects: false,
          },
        ],
      },
    },
    { kind: 'cc', id: 'notify_hr', name: 'Inform HR', recipients: { type: 'role', roleCodes: ['hr'] } },
  ],
  hooks: { onApproved: [], onRejected: [] },
} as const;
