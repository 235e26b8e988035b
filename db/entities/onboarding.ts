/**
 * Onboarding: the workflow holds the process state; the database only records which to-dos
 * stand for checklist items, so completing such a to-do anywhere (the to-do list, the API)
 * reports the item done to the onboarding workflow.
 */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAtColumn, tenantColumn } from './base';

export class OnboardingTodoLink {
  [OptionalProps]?: 'createdAt';
  todoId!: string;
  tenantId!: string;
  /** `onboarding:<tenant>:<username>`. */
  workflowId!: string;
  /** The checklist item id within that onboarding. */
  itemId!: string;
  createdAt = new Date();
}

export const OnboardingTodoLinkSchema = new EntitySchema<OnboardingTodoLink>({
  class: OnboardingTodoLink,
  tableName: 'onboarding_todo_links',
  indexes: [{ name: 'onboarding_todo_links_workflow_idx', properties: ['tenantId', 'workflowId'] }],
  properties: {
    todoId: { type: 'string', primary: true, length: 36 },
    tenantId: tenantColumn,
    workflowId: { type: 'string', length: 255 },
    itemId: { type: 'string', length: 64 },
    createdAt: createdAtColumn,
  },
});
