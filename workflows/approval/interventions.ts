/**
 * Administrators' interventions on a running request, each a Temporal Update with a required
 * reason and its own timeline event (the API checks the permission `approval:intervene` and the
 * data scope; the validators here check the request's state, engine/rules.ts):
 *
 *   cancel    every open task closed, status `cancelled`, the initiator told: the same ending
 *             as a cancellation from outside (cancel.ts), event `admin_cancelled`
 *   reassign  a pending task goes to another person (engine/task-actions.ts), event `admin_reassigned`;
 *             the notifier tells the new holder
 *   retry     the failed system steps of a `stalled` request run again (steps/action.ts), event `admin_retried`
 *   return    back to an approval step the request passed: every strand unwinds and the flow
 *             runs again from there, as a `returnToStep` rejection does (workflow.ts), event `admin_returned`
 *
 * Like the user actions, each answers once the flow has reacted (the task reassigned and
 * notified, the step asked again, the retried step done or stalled again).
 */
import { patched, setHandler } from '@temporalio/workflow';
import { cancelInterventionUpdate, reassignInterventionUpdate, retryInterventionUpdate, returnInterventionUpdate } from './contract';
import { cancelRequest } from './cancel';
import { iterateSteps } from './dsl/flow';
import type { ApprovalInstanceState } from './engine/instance';
import { enforce, mayCancelRequest, mayReassign, mayRetry, mayReturnTo } from './engine/rules';
import { reassignTask } from './engine/task-actions';
import { settledAfterAction } from './handlers';
import { PATCHES } from './patches';

export function handleInterventions(s: ApprovalInstanceState) {
  // The marker goes into the history with the first intervention (see PATCHES.adminInterventions).
  const mark = () => patched(PATCHES.adminInterventions);

  setHandler(
    cancelInterventionUpdate,
    (a) => {
      mark();
      cancelRequest(s, a.reason.trim(), { type: 'admin_cancelled', actorId: a.actorId, taskReason: 'cancelled: request cancelled by an administrator' });
      return settledAfterAction(s);
    },
    { validator: (a) => enforce(mayCancelRequest(s, a)) },
  );

  setHandler(
    reassignInterventionUpdate,
    (a) => {
      mark();
      reassignTask(s, { ...a, reason: a.reason.trim() });
      return settledAfterAction(s);
    },
    { validator: (a) => enforce(mayReassign(s, a)) },
  );

  setHandler(
    retryInterventionUpdate,
    (a) => {
      mark();
      s.event('admin_retried', { actorId: a.actorId, data: { stepIds: [...s.stalledSteps], reason: a.reason.trim() } });
      s.setStatus('running');
      s.retries++;
      return settledAfterAction(s);
    },
    { validator: (a) => enforce(mayRetry(s, a)) },
  );

  setHandler(
    returnInterventionUpdate,
    (a) => {
      mark();
      const target = [...iterateSteps(s.input.definition.flow)].find((l) => l.step.id === a.toStepId)!.step;
      s.event('admin_returned', { stepId: a.toStepId, actorId: a.actorId, data: { to: a.toStepId, toName: target.name, reason: a.reason.trim() } });
      s.adminReturnTo = a.toStepId;
      s.setStatus('running');
      s.interrupt('(returned)', 'cancelled: sent back by an administrator');
      return settledAfterAction(s);
    },
    { validator: (a) => enforce(mayReturnTo(s, a)) },
  );
}
