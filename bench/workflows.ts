/**
 * Bench bundle: the product's workflows plus bare-Temporal baselines with the same shape as the
 * provisioning saga (four sequential activities) and as a two-step approval (its activity and
 * Update count), so the ratio ours/baseline isolates what the product adds (HTTP, validation,
 * database work, bookkeeping).
 */
import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export * from '../workflows';

const { benchNoop } = proxyActivities<{ benchNoop(step: string): Promise<string> }>({
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

/**
 * A bare approval with the product's activity and Update count: `phases[0]` activities at start
 * (the product resolves people and writes its read model), then one Update per approval whose
 * handler runs `phases[i + 1]` activities before answering (the product answers once the flow
 * has reacted: next step assigned, or the request finished).
 */
export async function baselineApprovalWorkflow(id: string, phases: number[]): Promise<number> {
  const steps = phases.length - 1;
  let ready = false;
  let approved = 0;
  let busy = false;
  setHandler(
    baselineApproveUpdate,
    async (step) => {
      await condition(() => ready && !busy && approved === step);
      busy = true;
      for (let k = 0; k < phases[step + 1]; k++) await benchNoop(`${id}:approve${step}:${k}`);
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
  for (let k = 0; k < phases[0]; k++) await benchNoop(`${id}:start:${k}`);
  ready = true;
  await condition(() => approved === steps && allHandlersFinished());
  return approved;
}
