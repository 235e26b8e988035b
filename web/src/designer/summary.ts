/** One-line summaries of steps, rules and conditions for the flow canvas. */
import type { Step } from '@/api/types';
import { i18n } from '@/i18n';

type Rule = Extract<Step, { kind: 'approval' }>['assignees'];
type Condition = Extract<Step, { kind: 'condition' }>['branches'][number]['when'];

export function ruleSummary(rule: Rule): string {
  const t = i18n.global.t;
  switch (rule.type) {
    case 'users':
      return `${t('designer.rules.users')} (${rule.userIds.length})`;
    case 'role':
      return `${t('designer.rules.role')}: ${rule.roleCodes.join(', ') || '—'}`;
    case 'departmentHead':
      return `${t('designer.rules.departmentHead')}${rule.level > 1 ? ` +${rule.level - 1}` : ''}`;
    case 'managerChain':
      return `${t('designer.rules.managerChain')}${rule.upToLevel ? ` ≤${rule.upToLevel}` : ''}${rule.upToRoleCode ? ` → ${rule.upToRoleCode}` : ''}`;
    case 'formField':
      return `${t('designer.rules.formField')}: ${rule.fieldId}`;
    default:
      return t(`designer.rules.${rule.type}`);
  }
}

export function conditionSummary(c: Condition): string {
  if ('all' in c) return c.all.map(conditionSummary).join(' ∧ ') || '∅';
  if ('any' in c) return c.any.map(conditionSummary).join(' ∨ ') || '∅';
  if ('not' in c) return `¬(${conditionSummary(c.not)})`;
  const v = Array.isArray(c.value) ? `[${c.value.join(', ')}]` : String(c.value);
  return `${c.field.replace(/^form\./, '')} ${c.op} ${v}`;
}

export function stepSummary(step: Step): string {
  const t = i18n.global.t;
  switch (step.kind) {
    case 'approval':
      return `${ruleSummary(step.assignees)} · ${t(`designer.modes.${step.mode ?? 'sequential'}`)}`;
    case 'cc':
      return ruleSummary(step.recipients);
    case 'delay':
      return step.duration ? `${t('designer.props.duration')} ${step.duration}` : step.untilField ? `→ ${step.untilField}` : '';
    case 'action':
      return t(`designer.actions.${step.action}`);
    case 'condition':
      return `${step.branches.length + (step.default ? 1 : 0)} ×`;
    case 'parallel':
      return `${step.branches.length} ∥`;
  }
}
