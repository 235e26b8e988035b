/**
 * The read model follows the workflow: timeline events and changed tasks are buffered and
 * written by the projection activity as numbered batches, one at a time, in order.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../../activities';
import type { EventRow, ProjectionBatch } from '../contract';

const { projectApproval } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  // The read model must catch up eventually: retry long, but not forever.
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 60 },
});

/**
 * The same projection as a local activity: it runs in the worker that holds the workflow, with
 * no round trip through the server's task queue, so an action is answered as soon as the read
 * model is written. Same retry budget; past a minute of local retries the SDK backs off with
 * durable timers.
 */
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  localRetryThreshold: '1 minute',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 60 },
});

export class Projection {
  private events: EventRow[] = [];
  private dirty = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private flushing = 0;

  /**
   * `projectLocally`: runs started before the projection went local keep projecting through
   * the task queue. `compose` turns the buffered events and changed task ids into a batch.
   */
  constructor(
    private readonly projectLocally: boolean,
    private readonly compose: (events: EventRow[], taskIds: string[]) => ProjectionBatch,
  ) {}

  record(event: EventRow): void {
    this.events.push(event);
  }

  taskChanged(taskId: string): void {
    this.dirty.add(taskId);
  }

  /** Something is still to be written, or being written. */
  busy(): boolean {
    return !!(this.flushing || this.events.length || this.dirty.size);
  }

  private takeBatch(): ProjectionBatch | null {
    if (!this.events.length && !this.dirty.size) return null;
    const batch = this.compose(this.events, [...this.dirty]);
    this.events = [];
    this.dirty = new Set();
    return batch;
  }

  /**
   * After a cancellation broke a write off: the chain is rejected and would skip every later
   * batch, so start a fresh one. The caller marks what must be written again.
   */
  restart(): void {
    this.chain = Promise.resolve();
  }

  /** Write what changed to the read model; batches go out one at a time, in order. */
  flush(): Promise<void> {
    const run = async () => {
      const batch = this.takeBatch();
      if (!batch) return;
      this.flushing++;
      try {
        const summary = `Timeline up to #${batch.seq}`;
        if (this.projectLocally) await local.projectApproval.executeWithOptions({ summary }, [batch]);
        else await projectApproval.executeWithOptions({ summary }, [batch]);
      } finally {
        this.flushing--;
      }
    };
    this.chain = this.chain.then(run);
    return this.chain;
  }
}
