/**
 * Shared pieces of the provisioning tests: a fault plan that wraps the real activities (fail,
 * block, fail-after-success for one workflow id), database probes and a status poller.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import type { Runtime } from '../../activities/runtime';
import { InAppMessage, MailDelivery, User, UserRole } from '../../db/entities';
import type { ApiClient } from '../harness/harness';

type ActivityName = keyof Activities;

interface Fault {
  /** Runs instead of / around the real activity; `real` calls it. */
  run(real: () => Promise<unknown>, attempt: number): Promise<unknown>;
}

export interface Gate {
  /** Resolves when the activity reached the gate. */
  reached: Promise<void>;
  release(): void;
  /** Make the blocked attempt fail (as if the worker died under it). */
  fail(err: Error): void;
}

/**
 * Faults keyed by workflow id and activity name, so one worker serves many tests and each test
 * breaks only its own saga. Every call is counted, faulty or not.
 */
export class FaultPlan {
  private readonly faults = new Map<string, Fault>();
  readonly calls = new Map<string, number>();

  private key = (workflowId: string, activity: string) => `${workflowId}|${activity}`;

  clear(workflowId: string, activity: ActivityName) {
    this.faults.delete(this.key(workflowId, activity));
  }

  /** The activity fails without running, with a non-retryable failure. */
  fail(workflowId: string, activity: ActivityName, message = 'injected fault') {
    this.faults.set(this.key(workflowId, activity), {
      run: async () => {
        throw ApplicationFailure.nonRetryable(message, 'InjectedFault');
      },
    });
  }

  /** The activity does its work, then reports a non-retryable failure (its effect stays). */
  failAfter(workflowId: string, activity: ActivityName, message = 'injected fault after the work') {
    this.faults.set(this.key(workflowId, activity), {
      run: async (real) => {
        await real();
        throw ApplicationFailure.nonRetryable(message, 'InjectedFault');
      },
    });
  }

  /** First attempt does the work and then fails retryably (lost reply); later attempts are normal. */
  lostReplyOnce(workflowId: string, activity: ActivityName) {
    this.faults.set(this.key(workflowId, activity), {
      run: async (real, attempt) => {
        const out = await real();
        if (attempt === 1) throw ApplicationFailure.retryable('injected: reply lost after the work was done', 'InjectedTransient');
        return out;
      },
    });
  }

  /** The first attempt waits at a gate the test opens (later attempts run normally). */
  block(workflowId: string, activity: ActivityName): Gate {
    let reached!: () => void;
    let open!: (err?: Error) => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    const opened = new Promise<Error | undefined>((r) => (open = r));
    this.faults.set(this.key(workflowId, activity), {
      run: async (real, attempt) => {
        if (attempt === 1) {
          reached();
          const err = await opened;
          if (err) throw err;
        }
        return real();
      },
    });
    return { reached: reachedP, release: () => open(), fail: (err) => open(err) };
  }

  readonly wrap = (activities: Activities): Activities => {
    const wrapped: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(activities) as [string, (...a: unknown[]) => Promise<unknown>][]) {
      wrapped[name] = async (...args: unknown[]) => {
        const { workflowExecution, attempt } = Context.current().info;
        const key = this.key(workflowExecution?.workflowId ?? '', name);
        this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
        const fault = this.faults.get(key);
        return fault ? fault.run(() => fn(...args), attempt) : fn(...args);
      };
    }
    return wrapped as Activities;
  };

  callsOf(workflowId: string, activity: ActivityName) {
    return this.calls.get(this.key(workflowId, activity)) ?? 0;
  }
}

/** What the database holds for one provisioning (fresh ORM context each time). */
export async function footprint(rt: Runtime, tenantId: string, username: string, workflowId: string) {
  const em = rt.orm.em.fork();
  const user = await em.findOne(User, { tenantId, username });
  return {
    user,
    roleLinks: user ? await em.find(UserRole, { tenantId, userId: user.id }) : [],
    grantedByRun: await em.count(UserRole, { tenantId, grantedBy: workflowId }),
    messages: await em.find(InAppMessage, { tenantId, dedupeKey: { $like: `${workflowId}:%` } }),
    mail: await em.find(MailDelivery, { tenantId, dedupeKey: { $like: `${workflowId}:%` } }),
  };
}

/** Poll the status endpoint until the saga is no longer running. */
export async function waitForOutcome(api: ApiClient, token: string, statusUrl: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get(statusUrl, token);
    if (res.status !== 200) throw new Error(`status endpoint answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (res.body.status !== 'running') return res.body;
    if (Date.now() > deadline) throw new Error(`still running after ${timeoutMs} ms: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Poll until `probe` returns something truthy (for eventually consistent reads). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
