/**
 * Checklist to-dos report themselves: the onboarding records which to-do stands for which
 * checklist item, and when such a to-do is completed anywhere (the to-do list, the API, a
 * batch), the item is reported done to the onboarding workflow. The report is an Update the
 * workflow applies once (an item already done stays as it was), so reporting twice is harmless.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Runtime } from '../runtime';
import { OnboardingTodoLink } from '../../db/entities';
import type { TodoEvent } from '../support/todos/events';
import { checklistDoneUpdate, checklistDoneUpdateId } from '../../workflows/onboarding/contract';

/** Remember that `todoId` stands for checklist item `itemId` of `workflowId` (idempotent). */
export async function linkChecklistTodo(rt: Runtime, link: { tenantId: string; todoId: string; workflowId: string; itemId: string }): Promise<void> {
  const em = rt.orm.em.fork();
  if (await em.findOne(OnboardingTodoLink, { todoId: link.todoId })) return;
  em.create(OnboardingTodoLink, link);
  try {
    await em.flush();
  } catch (err) {
    // A retried activity raced its first attempt: the row is there, which is all we want.
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
  }
}

/** To-do listener: a completed checklist to-do reports its item. Never fails the to-do change. */
export async function reportChecklistTodo(rt: Runtime, event: TodoEvent): Promise<void> {
  if (event.type !== 'completed') return;
  const { todo } = event;
  const link = await rt.orm.em.fork().findOne(OnboardingTodoLink, { tenantId: todo.tenantId, todoId: todo.id });
  if (!link) return;
  const handle = (await rt.temporal()).workflow.getHandle(link.workflowId);
  try {
    await handle.executeUpdate(checklistDoneUpdate, { args: [{ itemId: link.itemId, by: todo.userId }], updateId: checklistDoneUpdateId(link.itemId) });
  } catch (err) {
    // The onboarding is over (completed or cancelled, possibly by this very item reported through
    // the API a moment ago): there is nothing left to report to.
    if (err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError) {
      rt.log.info({ todoId: todo.id, workflowId: link.workflowId, reason: (err as Error).message }, 'checklist to-do done after its onboarding closed');
      return;
    }
    throw err;
  }
}
