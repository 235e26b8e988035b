/**
 * Bench bundle: the product's workflows plus bare-Temporal baselines with the same shape as the
 * provisioning saga (four sequential activities) and as a two-step approval (its activity and
 * Update count), so the ratio ours/baseline isolates what the product adds (HTTP, validation,
 * database work, bookkeeping).
 */
import { allHandlersFinished, condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';

export * from '../workflows';

const { benchNoop } = proxyActivities<{ benchNoop(step: string): Promise<string> }>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});

const local = proxyLocalActivities<{ benchNoop(step: string): Promise<string> }>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});

export async function baselineSagaWorkflow(id: string): Promise<string[]> {
  const done: string[] = [];
  for (const step of ['createUser', 'assignRoles', 'welcomeMessage', 'welcomeEmail']) done.push(await benchNoop(`${id}:${step}`));
  return done;
}

// ───────────────────────────────────────────── approval baseline


/** Approve the current step of the baseline: same message kind (an Update) as the product's approve. */
export const baselineApproveUpdate = defineUpdate<number, [number]>('baselineApprove');

/** Activities in one phase: through the task queue, and local (the product's read-model writes). */
export interface BaselinePhase {
  remote: number;
  local: number;
}

/**
 * A bare approval with the product's activity and Update count: `phases[0]` activities at start
 * (the product resolves people and writes its read model), then one Update per approval whose
 * handler runs `phases[i + 1]` activities before answering (the product answers once the flow
 * has reacted: next step assigned, or the request finished). Local activities where the
 * product uses local ones, so the two do the same kind of work.
 */
export async function baselineApprovalWorkflow(id: string, phases: BaselinePhase[]): Promise<number> {
  const steps = phases.length - 1;
  let ready = false;
  let approved = 0;
  let busy = false;
  const run = async (phase: BaselinePhase, tag: string) => {
    for (let k = 0; k < phase.remote; k++) await benchNoop(`${id}:${tag}:r${k}`);
    for (let k = 0; k < phase.local; k++) await local.benchNoop(`${id}:${tag}:l${k}`);
  };
  setHandler(
    baselineApproveUpdate,
    async (step) => {
      await condition(() => ready && !busy && approved === step);
      busy = true;
      await run(phases[step + 1], `approve${step}`);
      approved++;
      busy = false;
      return approved;
    },
    {
      validator: (step) => {
        if (step !== approved) throw new Error(`step ${step} is not open`);
      },
    },
  );
  await run(phases[0], 'start');
  ready = true;
  await condition(() => approved === steps && allHandlersFinished());
  return approved;
}
