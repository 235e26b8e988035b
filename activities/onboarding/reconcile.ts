/**
 * The reconciler's side of onboarding. An onboarding keeps its state in its workflow; the
 * database holds only the checklist to-dos it put on people's lists (linked in
 * onboarding_todo_links). When the workflow is cancelled it removes the open ones itself (its
 * `cancel_todos` compensation); a termination runs no workflow code, so they would stay on
 * people's lists for good, reporting to nothing. Here: onboardings that still have open linked
 * to-dos are described in Temporal, a page at a time (by workflow id); for those Temporal shows
 * closed other than completed, the open to-dos are removed, as the compensation would have, and
 * their links dropped. Done to-dos stay (the work happened). Idempotent: once its open to-dos
 * are gone, an onboarding is no longer in any page.
 *
 * Provisioning has nothing of the kind: its saga's state lives only in Temporal (the API reads
 * it there), so a terminated provisioning needs no reconciling of a read model.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Runtime } from '../runtime';
import { systemActor } from '../../common/actor';
import { NotFoundError } from '../../common/errors';
import { OnboardingTodoLink, Todo } from '../../db/entities';
import type { OnboardingReconcilePage } from '../../workflows/maintenance/reconcile-contract';

/** Executions whose checklist to-dos are to go: closed without the workflow completing. */
const CLOSED_UNFINISHED = new Set(['TERMINATED', 'TIMED_OUT', 'CANCELED', 'CANCELLED', 'FAILED']);

export function createOnboardingReconcileActivities(rt: Runtime) {
  return {
    /** One page of onboardings (all tenants, by workflow id) that still have open checklist to-dos. */
    async reconcileOnboardingPage(input: { afterWorkflowId: string | null; limit: number }): Promise<OnboardingReconcilePage> {
      const em = rt.orm.em.fork();
      const open = em.createQueryBuilder(Todo, 't').select('t.id').where({ status: 'open' }).getKnexQuery();
      const rows: { workflowId: string }[] = await em
        .createQueryBuilder(OnboardingTodoLink, 'l')
        .select('l.workflowId', true)
        .where({ todoId: { $in: open }, ...(input.afterWorkflowId ? { workflowId: { $gt: input.afterWorkflowId } } : {}) })
        .orderBy({ workflowId: 'asc' })
        .limit(input.limit)
        .execute('all');
      const ids = rows.map((r) => r.workflowId);
      const client = await rt.temporal();
      let closed = 0;
      let todosRemoved = 0;
      for (const workflowId of ids) {
        let execution: string;
        try {
          execution = (await client.workflow.getHandle(workflowId).describe()).status.name;
        } catch (err) {
          // No history (retention removed it): nothing to compare with.
          if (err instanceof WorkflowNotFoundError) continue;
          throw err;
        }
        if (!CLOSED_UNFINISHED.has(execution)) continue;
        const links = await em.find(OnboardingTodoLink, { workflowId });
        for (const link of links) {
          const todo = await em.findOne(Todo, { tenantId: link.tenantId, id: link.todoId });
          if (todo?.status === 'open') {
            try {
              await rt.services.todos.remove(systemActor(link.tenantId, todo.userId), todo.id);
              todosRemoved++;
            } catch (err) {
              // Removed meanwhile (by its owner, or a retried attempt of this page): fine.
              if (!(err instanceof NotFoundError)) throw err;
            }
          }
        }
        await em.nativeDelete(OnboardingTodoLink, { workflowId, todoId: { $in: links.map((l) => l.todoId) } });
        closed++;
      }
      return { checked: ids.length, closed, todosRemoved, next: ids.length === input.limit ? ids[ids.length - 1] : null };
    },
  };
}
