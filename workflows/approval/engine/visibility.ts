/** Search attributes and the Temporal UI's current details follow the instance's state. */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { SA } from '../../search-attributes';
import type { InstanceStatus } from '../contract';
import type { ApprovalInstanceState } from './instance';

export class Visibility {
  private shownStatus: InstanceStatus | null = null;
  private shownAssignees = '';

  /** Upsert the search attributes when status or holders changed; always refresh the details. */
  publish(s: ApprovalInstanceState): void {
    const assignees = s.currentAssigneeIds();
    const key = assignees.join(',');
    if (this.shownStatus !== s.status || this.shownAssignees !== key) {
      upsertSearchAttributes([
        { key: SA.status, value: s.status },
        { key: SA.assignees, value: assignees.length ? assignees : null },
      ]);
      this.shownStatus = s.status;
      this.shownAssignees = key;
    }
    setCurrentDetails(describe(s));
  }
}

/**
 * The UI's "current details": template, status, and who (user ids) holds each waiting step. Not
 * the title or form: what users typed is personal data and stays out of the Temporal UI.
 */
function describe(s: ApprovalInstanceState): string {
  const { input } = s;
  const lines = [`**${input.definition.name}** v${input.templateVersion}, request \`${input.instanceId}\`: ${s.status}${s.round > 1 ? `, round ${s.round}` : ''}`];
  const runs = [...s.runs.values()].filter((r) => !r.decision);
  if (runs.length) {
    lines.push('', '**Waiting for**');
    for (const run of runs) {
      const holders = s.tasksOf(run).filter((t) => t.status === 'open').map((t) => `\`${t.assigneeId}\``);
      lines.push(`- ⏳ ${run.step.name} (${run.step.mode}): ${holders.join(', ') || '—'}`);
    }
  }
  if (s.reason) lines.push('', s.reason);
  return lines.join('\n');
}
